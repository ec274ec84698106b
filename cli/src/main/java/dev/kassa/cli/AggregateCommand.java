package dev.kassa.cli;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.observability.OpsServer;
import dev.kassa.schemas.KafkaAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa aggregate}: the session aggregate against any Kafka cluster, until stopped. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Run the session aggregate (Kafka Streams, exactly-once) against a cluster. "
                + "Instances with the same --application-id share the partitions.")
final class AggregateCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers, HOST:PORT[,HOST:PORT...].")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "kassa-aggregate", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", description = "Where the local stores live (default: var/state/<application id>-<n>, "
            + "the first n no running instance holds; the log then goes to var/log/<application id>-<n>.log).")
    Path stateDir;

    @Option(names = "--standby-replicas", defaultValue = "0", description = "Warm copies of each store on other instances (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--commit-interval-ms", defaultValue = "100", description = "Exactly-once commit interval: the latency floor of results (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    @Option(names = "--ops-port", defaultValue = "0", description = "Serve GET /metrics (Prometheus) and GET /health (503 "
            + "until the stream is RUNNING) on this port; 0 = off (default: ${DEFAULT-VALUE}).")
    int opsPort;

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (standbyReplicas < 0 || commitIntervalMs < 1) {
            throw new UserError("--standby-replicas must be 0 or more and --commit-interval-ms at least 1.");
        }
        PrintWriter out = spec.commandLine().getOut();
        KafkaAccess access = kafka.access(bootstrap);
        InstanceSlot slot = stateDir == null ? InstanceSlot.claim(Path.of("var", "state"), applicationId)
                : InstanceSlot.hold(stateDir, applicationId);
        slot.useOwnLogFile();
        Path stateDir = slot.dir();
        OpsServer ops = opsPort > 0 ? OpsServers.start(opsPort) : null;
        KassaMetrics.bindJvm("aggregate");
        AggregateService service = AggregateService.start(new AggregateService.Config(access, applicationId, stateDir,
                Duration.ofMillis(commitIntervalMs), standbyReplicas, AggregateSettings.DEFAULTS, Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (ops != null) {
                ops.close();
            }
            service.close();
            try {
                slot.close();
            } catch (IOException ignored) {
                // the OS releases the lock with the process anyway
            }
            stopped.countDown();
        }, "kassa-aggregate-shutdown"));
        out.println("kassa aggregate: " + applicationId + " on " + access.describe() + ", state in " + stateDir.toAbsolutePath()
                + ", log in " + System.getProperty("kassa.log.dir", "var/log") + "/" + slot.name() + ".log"
                + "; Ctrl-C stops it.");
        out.flush();
        return StreamsProcess.await(stopped, service::state, "aggregate", out);
    }
}
