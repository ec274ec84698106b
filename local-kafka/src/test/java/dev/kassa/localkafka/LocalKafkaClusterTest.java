package dev.kassa.localkafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

class LocalKafkaClusterTest {

    @Test
    void three_nodes_replicate_and_keep_serving_when_one_broker_stops() throws Exception {
        try (LocalKafkaCluster cluster = LocalKafkaCluster.start(3)) {
            assertThat(cluster.brokerIds()).hasSize(3);
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
                TopicDescription description = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated");
                assertThat(description.partitions().get(0).replicas()).hasSize(3);
            }
            LocalKafkaTest.produce(cluster, "replicated", "k", "before");
            int leader;
            try (Admin admin = cluster.admin()) {
                leader = admin.describeTopics(List.of("replicated")).allTopicNames().get().get("replicated")
                        .partitions().get(0).leader().id();
            }
            cluster.stopBroker(leader);
            LocalKafkaTest.produce(cluster, "replicated", "k", "after the leader stopped");
            assertThat(LocalKafkaTest.consumeAll(cluster, "replicated", 2)).containsExactly("before", "after the leader stopped");
        }
    }
}
