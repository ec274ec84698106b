package dev.kassa.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {

    @TempDir
    Path dir;

    @Test
    void a_second_start_on_the_same_data_directory_keeps_topics_and_records() throws Exception {
        Path data = dir.resolve("kafka");
        try (LocalKafka kafka = LocalKafka.start(data, 0, 0)) {
            try (Admin admin = kafka.admin()) {
                admin.createTopics(List.of(new NewTopic("survivor", 1, (short) 1))).all().get();
            }
            produce(kafka, "survivor", "k", "written before the restart");
        }
        try (LocalKafka kafka = LocalKafka.start(data, 0, 0)) {
            assertThat(consumeAll(kafka, "survivor", 1)).containsExactly("written before the restart");
        }
    }

    @Test
    void a_busy_port_is_one_clear_sentence() throws IOException {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(0));
            int port = holder.getLocalPort();
            assertThatThrownBy(() -> LocalKafka.start(dir.resolve("busy"), port, 0))
                    .isInstanceOf(LocalKafkaException.class)
                    .hasMessage("port " + port + " (Kafka) is already in use; stop what holds it or choose another port.");
        }
    }

    @Test
    void a_data_directory_that_cannot_be_created_is_one_clear_sentence() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> LocalKafka.start(file.resolve("data"), 0, 0))
                .isInstanceOf(LocalKafkaException.class)
                .hasMessageStartingWith("data directory " + file.resolve("data") + " cannot be used")
                .hasMessageEndingWith("choose another with --data-dir.");
    }

    static void produce(KafkaCluster kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    static List<String> consumeAll(KafkaCluster kafka, String topic, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            return values;
        }
    }
}
