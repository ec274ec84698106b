package dev.kassa.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionTest {

    @Test
    void hands_the_test_a_broker_that_takes_writes(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("extension-check", 1, (short) 1))).all().get();
        }
        LocalKafkaTest.produce(kafka, "extension-check", "k", "v");
        assertThat(LocalKafkaTest.consumeAll(kafka, "extension-check", 1)).containsExactly("v");
    }

    @Test
    void every_test_in_the_run_shares_one_broker(KafkaCluster first, KafkaCluster second) {
        assertThat(first).isSameAs(second);
        assertThat(first.bootstrapServers()).startsWith("localhost:");
    }
}
