package dev.kassa.localkafka;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * Hands a test a running {@link KafkaCluster}: one real broker per test JVM, started on first use and
 * stopped when the run ends. {@code KASSA_TEST_KAFKA=testcontainers} runs the same tests on Testcontainers'
 * Kafka when a Docker engine is present; without one those tests are skipped, and the reason is printed.
 */
public final class KafkaExtension implements ParameterResolver {

    /** Environment variable that picks the backend: {@code in-process} (default) or {@code testcontainers}. */
    public static final String BACKEND_ENV = "KASSA_TEST_KAFKA";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Backend backend = Backend.fromEnvironment();
        if (backend == Backend.TESTCONTAINERS) {
            Optional<String> reason = TestcontainersKafka.unavailableReason();
            if (reason.isPresent()) {
                String message = "SKIPPED " + context.getDisplayName() + ": " + BACKEND_ENV + "=testcontainers, but " + reason.get();
                System.out.println(message);
                throw new TestAbortedException(message);
            }
        }
        Holder holder = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(backend, b -> new Holder(start(backend)), Holder.class);
        if (holder.cluster == null) {
            throw new ParameterResolutionException("Kafka (" + backend + ") could not be started");
        }
        return holder.cluster;
    }

    private static KafkaCluster start(Backend backend) {
        KafkaCluster cluster = backend == Backend.TESTCONTAINERS ? TestcontainersKafka.start() : LocalKafka.startTemporary();
        System.out.println("Kafka for tests: " + cluster.description() + " at " + cluster.bootstrapServers());
        return cluster;
    }

    /** Which Kafka the integration tests run on. */
    public enum Backend {
        IN_PROCESS, TESTCONTAINERS;

        static Backend fromEnvironment() {
            String value = Optional.ofNullable(System.getenv(BACKEND_ENV)).orElse("in-process").trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "", "in-process", "inprocess", "local" -> IN_PROCESS;
                case "testcontainers" -> TESTCONTAINERS;
                default -> throw new ParameterResolutionException(
                        BACKEND_ENV + "=" + value + " is not known; use in-process or testcontainers");
            };
        }
    }

    /** Closes the cluster when JUnit closes the root store at the end of the run. */
    private record Holder(KafkaCluster cluster) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
