package dev.kassa.cli;

import dev.kassa.localkafka.LocalKafka;
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

    private DevEnvironment(LocalKafka kafka, List<TopicCheck> topics) {
        this.kafka = kafka;
        this.topics = topics;
    }

    /** Starts the broker on {@code dataDir} (kept across starts) and creates or verifies every topic. */
    static DevEnvironment start(Path dataDir, int kafkaPort) throws InterruptedException {
        LocalKafka kafka = LocalKafka.start(dataDir, kafkaPort, 0);
        try (Admin admin = kafka.admin()) {
            List<TopicCheck> topics = new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
            return new DevEnvironment(kafka, topics);
        } catch (RuntimeException | InterruptedException e) {
            kafka.close();
            throw e;
        }
    }

    LocalKafka kafka() {
        return kafka;
    }

    List<TopicCheck> topics() {
        return topics;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
