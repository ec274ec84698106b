package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.avro.SessionEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopicsOnKafkaTest {

    private static final TopicLayout LAYOUT = TopicLayout.SINGLE_NODE;

    @Test
    @Order(1)
    void every_topic_is_created_with_its_declared_config(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, LAYOUT);
            List<TopicCheck> first = provisioner.ensure();
            assertThat(first).extracting(TopicCheck::action).containsOnly(Action.CREATED);
            assertThat(first).extracting(TopicCheck::topic)
                    .containsExactlyElementsOf(Topics.all().stream().map(Topic::name).toList());

            List<ConfigResource> resources = Topics.all().stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get();
            for (Topic<?, ?> topic : Topics.all()) {
                Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                provisioner.expectedConfig(topic).forEach((key, value) ->
                        assertThat(actual.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
                assertThat(admin.describeTopics(List.of(topic.name())).allTopicNames().get().get(topic.name()).partitions())
                        .hasSize(LAYOUT.partitions());
            }
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "kassa.session-events")).get("cleanup.policy").value())
                    .isEqualTo("compact");
            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, "kassa.session-commands")).get("cleanup.policy").value())
                    .isEqualTo("delete");

            assertThat(provisioner.ensure()).extracting(TopicCheck::action).containsOnly(Action.VERIFIED);
        }
    }

    @Test
    @Order(2)
    void a_config_changed_behind_kassas_back_is_reported(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, LAYOUT);
            provisioner.ensure();
            ConfigResource attempts = new ConfigResource(ConfigResource.Type.TOPIC, Topics.WEBHOOK_ATTEMPTS.name());
            admin.incrementalAlterConfigs(Map.of(attempts, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), AlterConfigOp.OpType.SET)))).all().get();
            try {
                // The change reaches the broker's metadata asynchronously after the controller accepts it.
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    TopicCheck check = provisioner.ensure().stream()
                            .filter(c -> c.topic().equals(Topics.WEBHOOK_ATTEMPTS.name())).findFirst().orElseThrow();
                    assertThat(check.action()).isEqualTo(Action.DIFFERS);
                    assertThat(check.differences()).containsExactly("retention.ms: 60000 (declared 2592000000)");
                });
            } finally {
                admin.incrementalAlterConfigs(Map.of(attempts, List.of(
                        new AlterConfigOp(new ConfigEntry("retention.ms", Topics.WEBHOOK_ATTEMPTS.config().get("retention.ms")),
                                AlterConfigOp.OpType.SET)))).all().get();
            }
        }
    }

    @Test
    @Order(3)
    void all_of_one_sessions_events_land_in_one_partition_beside_its_long_keyed_records(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, LAYOUT).ensure();
        }
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all");
        Map<Long, Set<Integer>> partitionsBySession = new HashMap<>();
        try (KafkaProducer<SessionEventKey, SessionEvent> producer = new KafkaProducer<>(config,
                Topics.SESSION_EVENTS.keySerde().serializer(), Topics.SESSION_EVENTS.valueSerde().serializer())) {
            for (long session = 1000; session < 1040; session++) {
                for (long seq = 1; seq <= 5; seq++) {
                    SessionEvent event = seq == 1 ? SampleRecords.created(session) : SampleRecords.paid(session, seq);
                    RecordMetadata meta = producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(),
                            new SessionEventKey(session, seq), event)).get();
                    partitionsBySession.computeIfAbsent(session, s -> new HashSet<>()).add(meta.partition());
                }
            }
        }
        assertThat(partitionsBySession.values()).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(partitionsBySession.values().stream().flatMap(Collection::stream).distinct().count())
                .as("40 sessions spread over more than one partition").isGreaterThan(1);

        // A Long-keyed record for the same session (as commands and state are) goes to the same partition number.
        try (KafkaProducer<Long, String> plain = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new LongSerializer(), new StringSerializer())) {
            for (long session = 1000; session < 1040; session++) {
                RecordMetadata meta = plain.send(new ProducerRecord<>("kassa.session-commands", session, "probe")).get();
                assertThat(partitionsBySession.get(session)).containsExactly(meta.partition());
            }
        }
    }

    @Test
    @Order(4)
    void events_round_trip_through_kafka_and_an_older_schema_version_still_decodes(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, LAYOUT).ensure();
        }
        AvroSerde<SessionEvent> current = (AvroSerde<SessionEvent>) Topics.SESSION_EVENTS.valueSerde();
        // An older release's writer schema, without a field the current one added with a default.
        Schema older = AvroSerdeTest.withoutField(current.schema(), "previous_status");
        SessionEvent paid = SampleRecords.paid(555_000, 2);
        GenericRecord oldRecord = new GenericData.Record(older);
        oldRecord.put("event_id", "evt_old");
        oldRecord.put("session_id", 555_000L);
        oldRecord.put("merchant_id", 88L);
        oldRecord.put("sequence", 1L);
        oldRecord.put("occurred_at", SampleRecords.T0.toEpochMilli());
        oldRecord.put("status", new GenericData.EnumSymbol(older.getField("status").schema(), "CANCELLED"));
        GenericRecord cause = new GenericData.Record(older.getField("cause").schema());
        cause.put("command_id", "cmd-old");
        cause.put("command_type", "CancelSession");
        cause.put("actor", "merchant-api");
        cause.put("command_digest", "");
        oldRecord.put("cause", cause);
        Schema cancelled = older.getField("payload").schema().getTypes().stream()
                .filter(s -> s.getName().equals("SessionCancelled")).findFirst().orElseThrow();
        GenericRecord cancelPayload = new GenericData.Record(cancelled);
        cancelPayload.put("reason", "buyer left");
        oldRecord.put("payload", cancelPayload);
        byte[] oldBytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(oldRecord).array();

        String topic = Topics.SESSION_EVENTS.name();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new SessionEventKey(555_000, 1).toBytes(), oldBytes)).get();
            producer.send(new ProducerRecord<>(topic, new SessionEventKey(555_000, 2).toBytes(), current.encode(paid))).get();
        }

        AvroSerde<SessionEvent> reader = new AvroSerde<>(SessionEvent.class, List.of(older));
        List<SessionEvent> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < 2 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (ByteBuffer.wrap(record.key()).getLong() == 555_000L) {
                        read.add(reader.decode(record.value()));
                    }
                }
            }
        }
        assertThat(read).hasSize(2);
        assertThat(read.get(0).getEventId()).isEqualTo("evt_old");
        assertThat(read.get(0).getPreviousStatus()).isNull();
        assertThat(read.get(0).getPayload()).hasFieldOrPropertyWithValue("reason", "buyer left");
        assertThat(read.get(1)).isEqualTo(paid);
    }
}
