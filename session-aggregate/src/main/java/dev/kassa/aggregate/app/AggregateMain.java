package dev.kassa.aggregate.app;

import dev.kassa.schemas.WireFormat;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the aggregate in its own JVM until it is stopped: {@code AggregateMain BOOTSTRAP STATE_DIR [APPLICATION_ID]}.
 * The {@code kassa aggregate} command is the front door; this entry point is what crash tests start and kill.
 */
public final class AggregateMain {

    private AggregateMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        WireFormat.configureFromSystemProperties();
        if (args.length < 2) {
            System.err.println("usage: AggregateMain BOOTSTRAP STATE_DIR [APPLICATION_ID]");
            System.exit(2);
        }
        AggregateService.Config defaults = AggregateService.Config.defaults(args[0], Path.of(args[1]));
        AggregateService.Config config = new AggregateService.Config(defaults.kafka(),
                args.length > 2 ? args[2] : defaults.applicationId(), defaults.stateDir(), defaults.commitInterval(),
                defaults.standbyReplicas(), defaults.settings(),
                // A crashed member must leave the group quickly so that its partitions move on.
                Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1000));
        CountDownLatch stopped = new CountDownLatch(1);
        AggregateService service = AggregateService.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }, "aggregate-shutdown"));
        System.out.println("aggregate started: " + config.applicationId() + " on " + config.kafka().describe());
        stopped.await();
    }
}
