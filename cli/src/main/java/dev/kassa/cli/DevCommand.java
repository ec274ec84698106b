package dev.kassa.cli;

import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa dev}: an embedded Kafka with every topic, in sandbox mode, until Ctrl-C. */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run Kassa on this machine: an embedded single-node Kafka (data kept in --data-dir) with every topic.")
final class DevCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the gateway (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka's client port (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "var/dev", description = "Where Kafka keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("kassa dev: starting Kafka on localhost:" + kafkaPort + " with data in " + dataDir.toAbsolutePath() + " ...");
        out.flush();
        DevEnvironment env = DevEnvironment.start(dataDir, kafkaPort, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("kassa dev: stopping ...");
            out.flush();
            env.close();
            out.println("kassa dev: stopped; data kept in " + dataDir.toAbsolutePath());
            out.flush();
            stopped.countDown();
        }, "kassa-dev-shutdown"));
        printWhatRunsWhere(out, env);
        stopped.await();
        return 0;
    }

    private void printWhatRunsWhere(PrintWriter out, DevEnvironment env) {
        out.println("  kafka      " + env.kafka().bootstrapServers() + "  (KRaft, 1 node, controller on localhost:"
                + env.kafka().controllerPort() + ", data in " + env.kafka().dataDir().resolve("kraft").toAbsolutePath() + ")");
        for (TopicCheck check : env.topics()) {
            String what = switch (check.action()) {
                case CREATED -> "created";
                case VERIFIED -> "verified";
                case DIFFERS -> "DIFFERS: " + String.join("; ", check.differences());
            };
            out.printf("  topic      %-29s %s%n", check.topic(), what);
        }
        out.println("  aggregate  session aggregate (Kafka Streams, exactly-once, state in "
                + dataDir.resolve("aggregate").toAbsolutePath() + "), " + env.aggregate().state().name().toLowerCase(Locale.ROOT));
        out.println("  relay      webhook relay (loopback webhook URLs allowed: development mode, state in "
                + dataDir.resolve("relay").toAbsolutePath() + "), " + env.relay().state().name().toLowerCase(Locale.ROOT));
        out.println("  gateway    " + env.gateway().url() + "  (merchant API /gateway/*, API reference /docs, hosted checkout /pay.php, operator API /admin/*,"
                + " sandbox /sandbox/*, /metrics, /health)");
        out.println("  merchant   demo merchant " + env.credentials().merchantId() + " (pro, smart routing, domain "
                + env.credentials().domain() + "); key and secrets in " + dataDir.resolve(DevCredentials.FILE).toAbsolutePath());
        out.println("  dashboard  " + env.gateway().url() + "/dashboard  (sign in as " + env.credentials().dashboardEmail()
                + "; the password is in " + DevCredentials.FILE + ")");
        out.println("  secrets    webhook secrets sealed on kassa.merchants with " + dataDir.resolve(DevCredentials.KEYRING)
                + " (keep it with the data)");
        out.println("  logs       " + System.getProperty("kassa.log.dir", "var/log") + "/kassa.log");
        long differing = env.topics().stream().filter(c -> c.action() == Action.DIFFERS).count();
        out.println(differing == 0
                ? "kassa dev: ready. Ctrl-C stops it; data stays in " + dataDir + "."
                : "kassa dev: ready, but " + differing + " topic(s) differ from their declared config (see above).");
        out.flush();
    }
}
