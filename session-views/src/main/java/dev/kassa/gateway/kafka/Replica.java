package dev.kassa.gateway.kafka;

import dev.kassa.schemas.KafkaAccess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A local copy of a compacted topic, kept current by one consumer thread: every gateway instance reads the whole
 * topic (no consumer group), so any instance can answer for any key. Waiters are woken on every batch.
 */
public final class Replica<K, V> implements AutoCloseable {

    private final Map<K, V> values = new ConcurrentHashMap<>();
    private final KafkaConsumer<K, V> consumer;
    private final Thread thread;
    private final Change<K, V> onChange;
    private final PositionedChange<K, V> positioned;

    /** What a record changed: the value it replaced ({@code before}, null for a new key) and the new one (null: deleted). */
    @FunctionalInterface
    public interface Change<K, V> {
        void accept(K key, V before, V after);
    }

    private volatile boolean running = true;
    /** How far the replica has read each partition (the consumer's position after its last poll). */
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> endAtStart;
    private volatile boolean loaded;
    /** Whether the last poll left nothing unread on any partition (as far as the consumer's last fetch knows). */
    private volatile boolean caughtUp;

    /** What a record changed, with the offset it was read at (for a replica whose readers need the record's position). */
    @FunctionalInterface
    public interface PositionedChange<K, V> {
        void accept(K key, V after, long offset);
    }

    public Replica(KafkaAccess bootstrap, String topic, Deserializer<K> keys, Deserializer<V> vals, Change<K, V> onChange) {
        this(bootstrap, topic, keys, vals, onChange, null);
    }

    /** A replica whose change callback also gets each record's offset. */
    static <K, V> Replica<K, V> positioned(KafkaAccess bootstrap, String topic, Deserializer<K> keys, Deserializer<V> vals,
                                           PositionedChange<K, V> onChange) {
        return new Replica<>(bootstrap, topic, keys, vals, (k, before, after) -> { }, onChange);
    }

    private Replica(KafkaAccess bootstrap, String topic, Deserializer<K> keys, Deserializer<V> vals, Change<K, V> onChange,
                    PositionedChange<K, V> positioned) {
        this.onChange = onChange;
        this.positioned = positioned;
        this.consumer = new KafkaConsumer<>(bootstrap.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)), keys, vals);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        endAtStart = consumer.endOffsets(partitions);
        this.thread = new Thread(this::run, "kassa-replica-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<K, V> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<K, V> record : records) {
                    V before = record.value() == null ? values.remove(record.key()) : values.put(record.key(), record.value());
                    onChange.accept(record.key(), before, record.value());
                    if (positioned != null) {
                        positioned.accept(record.key(), record.value(), record.offset());
                    }
                }
                if (!loaded) {
                    loaded = endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                }
                caughtUp = loaded && consumer.assignment().stream().allMatch(tp -> consumer.currentLag(tp).orElse(1) == 0);
                for (TopicPartition tp : consumer.assignment()) {
                    positions.put(tp, consumer.position(tp));
                }
                if (!records.isEmpty() || catchUpWaiters > 0) {
                    synchronized (this) {
                        notifyAll(); // when something arrived, or someone waits for a position: an idle poll wakes nobody else
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Whether it has read everything the topic held when it started (until then, answers could be stale). */
    public boolean loaded() {
        return loaded;
    }

    /** Whether nothing is known to be unread: a key absent now is absent from the topic as of the last fetch. */
    public boolean caughtUp() {
        return caughtUp;
    }

    V get(K key) {
        return values.get(key);
    }

    /** Every value now (a copy). */
    List<V> snapshot() {
        return List.copyOf(values.values());
    }

    /** The value for {@code key} once the replica has it, waiting at most {@code timeout}; null if it never came. */
    V await(K key, Predicate<V> ready, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                V value = values.get(key);
                if (value != null && ready.test(value)) {
                    return value;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return value;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    private volatile int catchUpWaiters;

    /** Whether the replica has read every partition up to {@code ends} (offsets from {@link #endOffsets}), waiting at most {@code timeout}. */
    boolean awaitPositions(Map<TopicPartition, Long> ends, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            catchUpWaiters++;
            try {
                while (!ends.entrySet().stream().allMatch(e -> positions.getOrDefault(e.getKey(), -1L) >= e.getValue())) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    wait(Math.max(1, Math.min(200, left / 1_000_000)));
                }
                return true;
            } finally {
                catchUpWaiters--;
            }
        }
    }

    /** Whether {@code key} is gone from the replica (deleted), waiting at most {@code timeout} for it to go. */
    boolean awaitGone(K key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (values.containsKey(key)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
    }
}
