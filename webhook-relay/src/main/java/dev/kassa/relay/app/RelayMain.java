package dev.kassa.relay.app;

import dev.kassa.model.RetrySchedule;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.schemas.WireFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the relay in its own JVM until stopped:
 * {@code RelayMain BOOTSTRAP STATE_DIR APPLICATION_ID [allow-loopback] [RETRY_SCHEDULE] [ATTEMPT_DEADLINE]}
 * (the deadline as a delay is written in a schedule, e.g. {@code 2s}).
 * {@code kassa relay} is the front door; this entry point is what crash tests start and kill.
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WireFormat.configureFromSystemProperties();
        if (args.length < 3) {
            System.err.println("usage: RelayMain BOOTSTRAP STATE_DIR APPLICATION_ID [allow-loopback] [RETRY_SCHEDULE] [ATTEMPT_DEADLINE]");
            System.exit(2);
        }
        RelayService.Config defaults = RelayService.Config.defaults(args[0], Path.of(args[1]), args.length > 3 && args[3].equals("allow-loopback"));
        RelaySettings settings = args.length > 4 ? defaults.settings().withSchedule(RetrySchedule.parse(args[4])) : defaults.settings();
        RelayService.Config config = new RelayService.Config(defaults.kafka(), args[2], defaults.stateDir(),
                defaults.allowLoopback(), args.length > 5 ? RetrySchedule.parse(args[5]).delays().get(0) : defaults.requestTimeout(), settings,
                Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1000));
        RelayService service = RelayService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "relay-shutdown"));
        System.out.println("relay started: " + config.applicationId() + " on " + config.kafka().describe());
        stopped.await();
    }
}
