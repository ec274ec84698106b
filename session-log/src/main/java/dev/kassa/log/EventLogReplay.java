package dev.kassa.log;

import dev.kassa.model.SessionFold;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Rebuilds session state from the event log, from the start of the topic: the same fold as the live aggregate,
 * so the same events always give the same state. Also reads the state topic, to compare the two.
 */
public final class EventLogReplay {

    private EventLogReplay() {
    }

    /** Folds the whole events topic (committed records only) into the state of every session. */
    public static Map<Long, SessionState> foldEventsTopic(KafkaAccess access) {
        return foldEventsTopic(access, () -> { });
    }

    /**
     * The same fold, calling {@code onRecord} after every record read (tombstones and re-sent events included), for a
     * caller that reports progress.
     */
    public static Map<Long, SessionState> foldEventsTopic(KafkaAccess access, Runnable onRecord) {
        SessionFold.LogFold fold = new SessionFold.LogFold();
        readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (SessionEventKey key, SessionEvent event) -> {
                    onRecord.run();
                    // Erased events (tombstones) are passed over, re-sent events collapse onto themselves.
                    if (fold.accept(event) instanceof SessionFold.Gap gap) {
                        throw new IllegalStateException(gap.describe());
                    }
                });
        return fold.states();
    }

    /** The latest record per session on the state topic. */
    public static Map<Long, SessionState> readStateTopic(KafkaAccess access) {
        Map<Long, SessionState> states = new HashMap<>();
        readToEnd(access, Topics.SESSION_STATE.name(), Topics.SESSION_STATE.keySerde().deserializer(),
                Topics.SESSION_STATE.valueSerde().deserializer(), (Long key, SessionState state) -> {
                    if (state == null) {
                        states.remove(key);
                    } else {
                        states.put(key, state);
                    }
                });
        return states;
    }

    /**
     * Reads only the partition that holds {@code sessionId} (all Kassa topics are partitioned by session id), from its
     * start to its end as of now: a session's history costs one partition, not the whole topic.
     */
    public static <K, V> void readSessionPartition(KafkaAccess access, String topic, long sessionId, Deserializer<K> keys,
                                                   Deserializer<V> values, BiConsumer<K, V> sink) {
        read(access, topic, keys, values, sink, partitions -> List.of(partitions.get(
                SessionEventPartitioner.partitionOf(sessionId, partitions.size()))));
    }

    /** Reads a topic from the start to its end as of now (committed records only), record by record. */
    public static <K, V> void readToEnd(KafkaAccess access, String topic, Deserializer<K> keys, Deserializer<V> values, BiConsumer<K, V> sink) {
        read(access, topic, keys, values, sink, partitions -> partitions);
    }

    /**
     * Reads every partition of a topic from the first record at or after {@code since} to its end as of now: the cost
     * is the records of that window, not the topic's.
     */
    public static <K, V> void readSince(KafkaAccess access, String topic, Instant since, Deserializer<K> keys,
                                        Deserializer<V> values, BiConsumer<K, V> sink) {
        read(access, topic, keys, values, sink, partitions -> partitions, since);
    }

    private static <K, V> void read(KafkaAccess access, String topic, Deserializer<K> keys, Deserializer<V> values, BiConsumer<K, V> sink,
                                    UnaryOperator<List<TopicPartition>> choose) {
        read(access, topic, keys, values, sink, choose, null);
    }

    private static <K, V> void read(KafkaAccess access, String topic, Deserializer<K> keys, Deserializer<V> values, BiConsumer<K, V> sink,
                                    UnaryOperator<List<TopicPartition>> choose, Instant since) {
        Map<String, Object> config = access.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000));
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            List<TopicPartition> partitions = choose.apply(consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).toList());
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.seekToBeginning(partitions);
            if (since != null) {
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(p -> at.put(p, since.toEpochMilli()));
                consumer.offsetsForTimes(at).forEach((p, found) -> {
                    if (found == null) {
                        consumer.seek(p, end.get(p)); // nothing at or after since
                    } else {
                        consumer.seek(p, found.offset());
                    }
                });
            }
            Set<TopicPartition> pending = partitions.stream().filter(p -> end.get(p) > 0).collect(Collectors.toSet());
            while (!pending.isEmpty()) {
                for (ConsumerRecord<K, V> record : consumer.poll(Duration.ofMillis(200))) {
                    sink.accept(record.key(), record.value());
                }
                pending.removeIf(p -> consumer.position(p) >= end.get(p));
            }
        }
    }
}
