package dev.kassa.localkafka;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Kafka in a container, for machines with a Docker engine; the same tests run on it as on {@link LocalKafka}. */
public final class TestcontainersKafka implements KafkaCluster {

    /** The public image, used where neither {@code KASSA_TEST_KAFKA_IMAGE} nor the local image is there. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.3.1";
    /** The stand-in scripts/local-images.sh builds from Debian's packages and the build's Kafka jars. */
    public static final String LOCAL_IMAGE = "kassa-kafka:local";

    private final KafkaContainer container;

    private TestcontainersKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Why Testcontainers cannot run here, or empty when a Docker engine answers and a Kafka image is at hand. */
    public static Optional<String> unavailableReason() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.of("no Docker engine answers on this machine");
            }
            if (System.getenv("KASSA_TEST_KAFKA_IMAGE") == null && !present(LOCAL_IMAGE) && !present(DEFAULT_IMAGE)) {
                return Optional.of("neither " + LOCAL_IMAGE + " (scripts/local-images.sh builds it) nor " + DEFAULT_IMAGE
                        + " is on this machine, and no registry is assumed to be reachable");
            }
            return Optional.empty();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("Docker could not be reached: " + e.getMessage());
        }
    }

    /** The image a start uses: {@code KASSA_TEST_KAFKA_IMAGE}, else the local stand-in if built, else the public one. */
    public static String image() {
        String named = System.getenv("KASSA_TEST_KAFKA_IMAGE");
        if (named != null) {
            return named;
        }
        return present(LOCAL_IMAGE) ? LOCAL_IMAGE : DEFAULT_IMAGE;
    }

    private static boolean present(String image) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(image).exec();
            return true;
        } catch (RuntimeException e) {
            return false; // NotFoundException: not on this machine
        }
    }

    /** Starts a single-node container; fails if no Docker engine is present (check {@link #unavailableReason()} first). */
    public static TestcontainersKafka start() {
        // The local image runs what apache/kafka runs (/etc/kafka/docker/run with the same variables).
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image()).asCompatibleSubstituteFor("apache/kafka"))
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
