package dev.kassa.cli;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;

/** Everything {@code kassa dev} runs in one JVM: the embedded broker with every topic, and (later) the services. */
final class DevEnvironment implements AutoCloseable {

    private final LocalKafka kafka;
    private final List<TopicCheck> topics;
    private final AggregateService aggregate;
    private final RelayService relay;

    private DevEnvironment(LocalKafka kafka, List<TopicCheck> topics, AggregateService aggregate, RelayService relay) {
        this.kafka = kafka;
        this.topics = topics;
        this.aggregate = aggregate;
        this.relay = relay;
    }

    /**
     * Starts the broker on {@code dataDir} (kept across starts), creates or verifies every topic, and starts the
     * session aggregate with its state under {@code dataDir/aggregate}.
     */
    static DevEnvironment start(Path dataDir, int kafkaPort) throws InterruptedException {
        LocalKafka kafka = LocalKafka.start(dataDir, kafkaPort, 0);
        try (Admin admin = kafka.admin()) {
            List<TopicCheck> topics = new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
            AggregateService aggregate = AggregateService.start(
                    AggregateService.Config.defaults(kafka.bootstrapServers(), dataDir.resolve("aggregate")));
            // Development mode: a merchant's test receiver on this machine may get webhooks.
            RelayService relay = RelayService.start(RelayService.Config.defaults(kafka.bootstrapServers(), dataDir.resolve("relay"), true));
            if (!aggregate.awaitRunning(java.time.Duration.ofSeconds(120)) || !relay.awaitRunning(java.time.Duration.ofSeconds(120))) {
                relay.close();
                aggregate.close();
                throw new UserError("the session aggregate or the webhook relay did not start within 120 s; see the log file.");
            }
            return new DevEnvironment(kafka, topics, aggregate, relay);
        } catch (RuntimeException | InterruptedException e) {
            kafka.close();
            throw e;
        }
    }

    AggregateService aggregate() {
        return aggregate;
    }

    RelayService relay() {
        return relay;
    }

    LocalKafka kafka() {
        return kafka;
    }

    List<TopicCheck> topics() {
        return topics;
    }

    @Override
    public void close() {
        try {
            relay.close();
            aggregate.close();
        } finally {
            kafka.close();
        }
    }
}
