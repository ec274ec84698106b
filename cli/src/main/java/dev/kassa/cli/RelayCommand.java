package dev.kassa.cli;

import dev.kassa.model.RetrySchedule;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.observability.OpsServer;
import dev.kassa.relay.app.RelayService;
import dev.kassa.relay.delivery.DeliveryDecider;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa relay}: the webhook relay against any Kafka cluster, until stopped. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run the webhook relay against a cluster. Instances with the same --application-id share the partitions.")
final class RelayCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers, HOST:PORT[,HOST:PORT...].")
    String bootstrap;

    @Option(names = "--application-id", defaultValue = "kassa-relay", description = "Kafka Streams application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--state-dir", description = "Where the local stores live (default: var/state/<application id>-<n>, "
            + "the first n no running instance holds; the log then goes to var/log/<application id>-<n>.log).")
    Path stateDir;

    @Option(names = "--allow-loopback-webhooks", description = "Call webhook URLs on loopback (development only; never in production).")
    boolean allowLoopback;

    @Option(names = "--retry-schedule", paramLabel = "DELAYS",
            description = "Delays between attempts, e.g. 5s,30s,2m,10m (default: 5s,30s,2m,10m,30m,1h,2h,4h,8h,12h,16h,24h, about 3 days).")
    String retrySchedule;

    @Option(names = "--disable-endpoint-after", paramLabel = "DELAY", defaultValue = "5d",
            description = "Disable a webhook endpoint after this long without a successful delivery, e.g. 5d, 36h (default: ${DEFAULT-VALUE}).")
    String disableEndpointAfter;

    @Option(names = "--attempt-deadline", paramLabel = "DELAY", defaultValue = "15s",
            description = "One deadline per webhook attempt: DNS, connect, TLS, the answer's headers and body together (default: ${DEFAULT-VALUE}).")
    String attemptDeadline;

    @Option(names = "--max-in-flight-per-endpoint", defaultValue = "16",
            description = "Webhook attempts in flight to one endpoint, at most, per relay instance (default: ${DEFAULT-VALUE}).")
    int perEndpoint;

    @Option(names = "--max-in-flight-per-merchant", defaultValue = "64",
            description = "Webhook attempts in flight to one merchant's endpoints together, at most, per relay instance (default: ${DEFAULT-VALUE}).")
    int perMerchant;

    @Option(names = "--ops-port", defaultValue = "0", description = "Serve GET /metrics (Prometheus) and GET /health (503 "
            + "until the stream is RUNNING) on this port; 0 = off (default: ${DEFAULT-VALUE}).")
    int opsPort;

    @Option(names = "--secrets-keyring", paramLabel = "FILE", description = "The keyring that opens the webhook secrets the "
            + "gateway sealed (default: $KASSA_SECRETS_KEYRING); the same file as the gateways'.")
    Path secretsKeyring;

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // The schedule is checked before a state directory is claimed: a typo costs nothing.
        RetrySchedule schedule = null;
        if (retrySchedule != null) {
            try {
                schedule = RetrySchedule.parse(retrySchedule);
            } catch (IllegalArgumentException e) {
                throw new UserError("--retry-schedule: " + e.getMessage() + ".");
            }
        }
        Duration disableAfter;
        try {
            disableAfter = RetrySchedule.parse(disableEndpointAfter).delays().get(0);
        } catch (IllegalArgumentException e) {
            throw new UserError("--disable-endpoint-after: " + e.getMessage().replace("retry delay", "delay") + ".");
        }
        Duration deadline;
        try {
            deadline = RetrySchedule.parse(attemptDeadline).delays().get(0);
        } catch (IllegalArgumentException e) {
            throw new UserError("--attempt-deadline: " + e.getMessage().replace("retry delay", "delay") + ".");
        }
        if (deadline.isZero() || perEndpoint < 1 || perMerchant < 1) {
            throw new UserError("--attempt-deadline, --max-in-flight-per-endpoint and --max-in-flight-per-merchant must be above zero.");
        }
        KafkaAccess access = kafka.access(bootstrap);
        SecretKeyring keyring = KafkaClientOptions.keyring(secretsKeyring);
        if (keyring == null) {
            out.println("kassa relay: no --secrets-keyring: only secrets written in clear can sign; a sealed one parks its webhooks.");
            keyring = SecretKeyring.NONE;
        }
        InstanceSlot slot = stateDir == null ? InstanceSlot.claim(Path.of("var", "state"), applicationId)
                : InstanceSlot.hold(stateDir, applicationId);
        slot.useOwnLogFile();
        Path stateDir = slot.dir();
        RelayService.Config defaults = RelayService.Config.defaults(bootstrap, stateDir, allowLoopback);
        RelaySettings settings = (schedule == null ? defaults.settings() : defaults.settings().withSchedule(schedule)).withKeyring(keyring)
                .withEndpointHealth(disableAfter, DeliveryDecider.DEFAULT_HOLD)
                .withLanes(defaults.settings().lanes().withInFlight(perEndpoint, perMerchant));
        OpsServer ops = opsPort > 0 ? OpsServers.start(opsPort) : null;
        KassaMetrics.bindJvm("relay");
        RelayService service = RelayService.start(new RelayService.Config(access, applicationId, stateDir, allowLoopback,
                deadline, settings, defaults.overrides()));
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
        }, "kassa-relay-shutdown"));
        out.println("kassa relay: " + applicationId + " on " + access.describe() + ", state in " + stateDir.toAbsolutePath()
                + ", log in " + System.getProperty("kassa.log.dir", "var/log") + "/" + slot.name() + ".log"
                + (allowLoopback ? ", loopback webhooks ALLOWED (development)" : "") + "; Ctrl-C stops it.");
        out.flush();
        return StreamsProcess.await(stopped, service::state, "relay", out);
    }
}
