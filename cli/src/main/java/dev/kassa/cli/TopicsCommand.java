package dev.kassa.cli;

import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.KafkaAcls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa topics}: create Kassa's topics on any cluster, or verify them and report what differs. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create every Kassa topic with its declared config, or verify existing ones. "
                + "Exit code 0: all as declared; 3: some differ (listed); 2: the cluster could not be used.")
final class TopicsCommand implements Callable<Integer> {

    static final int DIFFERS = 3;

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers, HOST:PORT[,HOST:PORT...].")
    String bootstrap;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", description = "Replicas per partition (default: 3, or the broker count if smaller).")
    Short replicationFactor;

    /** What {@code --acls} does. */
    enum AclMode { print, apply }

    @Option(names = "--acls", paramLabel = "print|apply", description = "Least privilege for the services' principals "
            + "(kassa-gateway, kassa-aggregate, kassa-relay): print the ACLs and exit, or apply them after the topics "
            + "(needs the cluster's super user in --kafka-config). docs/SECURITY.md.")
    AclMode acls;

    @Option(names = "--scram-user", paramLabel = "NAME=PASSWORD_FILE", description = "Create or update the SCRAM-SHA-256 "
            + "user NAME with the password in PASSWORD_FILE (its first line); repeatable.")
    Map<String, Path> scramUsers = new LinkedHashMap<>();

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<AclBinding> bindings = KafkaAcls.bindings(KafkaAcls.Accounts.DEFAULTS);
        if (acls == AclMode.print) {
            KafkaAcls.describe(bindings).forEach(out::println);
            out.flush();
            return 0;
        }
        Map<String, String> passwords = passwords();
        try (Admin admin = Admin.create(kafka.access(bootstrap).config(Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000)))) {
            int brokers = brokerCount(admin);
            short rf = replicationFactor != null ? replicationFactor : (short) Math.min(3, brokers);
            if (rf > brokers) {
                throw new UserError("--replication-factor " + rf + " needs at least " + rf + " brokers; " + bootstrap + " has " + brokers + ".");
            }
            if (partitions < 1) {
                throw new UserError("--partitions must be at least 1, not " + partitions + ".");
            }
            TopicLayout layout = new TopicLayout(partitions, rf);
            List<TopicCheck> checks = new TopicProvisioner(admin, layout).ensure();
            out.printf("%s: %d broker(s); layout %d partitions, replication factor %d, min.insync.replicas %d%n",
                    bootstrap, brokers, layout.partitions(), layout.replicationFactor(), layout.minInsyncReplicas());
            for (TopicCheck check : checks) {
                out.printf("  %-29s %s%n", check.topic(), check.action().name().toLowerCase(Locale.ROOT));
                for (String difference : check.differences()) {
                    out.println("      " + difference);
                }
            }
            if (!passwords.isEmpty()) {
                List<UserScramCredentialAlteration> users = new ArrayList<>();
                // 8192 iterations: twice Kafka's minimum, as its own docs suggest for SCRAM-SHA-256.
                passwords.forEach((user, password) -> users.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), password)));
                admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
                out.println("  SCRAM-SHA-256 users set: " + String.join(", ", passwords.keySet()));
            }
            if (acls == AclMode.apply) {
                admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
                out.println("  ACLs applied (" + bindings.size() + "):");
                KafkaAcls.describe(bindings).forEach(line -> out.println("    " + line));
            }
            out.flush();
            return checks.stream().anyMatch(c -> c.action() == Action.DIFFERS) ? DIFFERS : 0;
        } catch (ExecutionException e) {
            throw new UserError("the cluster refused: " + e.getCause().getMessage()
                    + " (users and ACLs need the super user's credentials in --kafka-config).");
        }
    }

    private Map<String, String> passwords() {
        Map<String, String> passwords = new LinkedHashMap<>();
        scramUsers.forEach((user, file) -> {
            try {
                String password = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
                if (password.length() < 16) {
                    throw new UserError("--scram-user " + user + ": the password in " + file + " is shorter than 16 characters; "
                            + "make one with `openssl rand -hex 24`.");
                }
                passwords.put(user, password);
            } catch (IOException e) {
                throw new UserError("--scram-user " + user + ": " + file + " cannot be read (" + e.getMessage() + ").");
            }
        });
        return passwords;
    }

    private int brokerCount(Admin admin) throws InterruptedException {
        try {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new UserError("Kafka at " + bootstrap + " did not answer within 30 s; check --bootstrap and that the cluster is up.");
        }
    }
}
