package dev.kassa.localkafka;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** Kafka in a container, for machines with a Docker engine; the same tests run on it as on {@link LocalKafka}. */
public final class TestcontainersKafka implements KafkaCluster {

    /** The image used unless {@code KASSA_TEST_KAFKA_IMAGE} names another. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.0";

    private final KafkaContainer container;

    private TestcontainersKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Why Testcontainers cannot run here, or empty when a Docker engine answers. */
    public static Optional<String> unavailableReason() {
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            return Optional.of("no Docker engine answers on this machine");
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("Docker could not be reached: " + e.getMessage());
        }
    }

    /** Starts a single-node container; fails if no Docker engine is present (check {@link #unavailableReason()} first). */
    public static TestcontainersKafka start() {
        String image = Optional.ofNullable(System.getenv("KASSA_TEST_KAFKA_IMAGE")).orElse(DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(image)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new TestcontainersKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public int brokerCount() {
        return 1;
    }

    @Override
    public String description() {
        return "Testcontainers " + container.getDockerImageName();
    }

    @Override
    public void close() {
        container.stop();
    }
}
