package dev.kassa.cli;

import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.TopicProvisioner;
import java.io.PrintWriter;
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
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
            out.flush();
            return checks.stream().anyMatch(c -> c.action() == Action.DIFFERS) ? DIFFERS : 0;
        }
    }

    private int brokerCount(Admin admin) throws InterruptedException {
        try {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            throw new UserError("Kafka at " + bootstrap + " did not answer within 30 s; check --bootstrap and that the cluster is up.");
        }
    }
}
