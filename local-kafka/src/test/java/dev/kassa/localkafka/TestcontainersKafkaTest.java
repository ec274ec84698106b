package dev.kassa.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Testcontainers path: runs where a Docker engine answers and a Kafka image is at hand — on the suite's machines the
 * local stand-in {@code kassa-kafka:local} that scripts/local-images.sh builds (no registry is reachable there); with
 * Ryuk and Testcontainers' start-up checks off (both need public images), the container stopped by the test itself.
 * Elsewhere it says why it skipped.
 */
@ExtendWith(TestcontainersKafkaTest.RequiresDocker.class)
class TestcontainersKafkaTest {

    @Test
    void the_container_broker_takes_the_same_writes_as_the_in_process_one() throws Exception {
        try (TestcontainersKafka kafka = TestcontainersKafka.start()) {
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("container-check", 1, (short) 1))).all().get();
            }
            LocalKafkaTest.produce(kafka, "container-check", "k", "v");
            assertThat(LocalKafkaTest.consumeAll(kafka, "container-check", 1)).containsExactly("v");
        }
    }

    static final class RequiresDocker implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> reason = TestcontainersKafka.unavailableReason();
            if (reason.isEmpty()) {
                return ConditionEvaluationResult.enabled("a Docker engine answers");
            }
            String message = "Testcontainers' Kafka not tested: " + reason.get()
                    + " (the same checks ran on the in-process broker)";
            System.out.println("SKIPPED " + context.getDisplayName() + ": " + message);
            return ConditionEvaluationResult.disabled(message);
        }
    }
}
