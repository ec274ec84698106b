package dev.kassa.bench;

import dev.kassa.localkafka.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * The ceilings Kassa's own figures are reported against, measured on the cluster at hand: raw producer and
 * consumer records/s with 400-byte distinct payloads, and a Kafka Streams exactly-once aggregate with a
 * 400-byte state per key. Every phase stops at its share of the duration.
 */
public final class KafkaCeiling {

    static final int PAYLOAD_BYTES = 400;
    static final int PARTITIONS = 3;
    /** Records per key in the fold's input: about a session's worth of events, so most keys miss the cache. */
    static final int RECORDS_PER_KEY = 4;

    private final KafkaCluster kafka;
    private final Duration duration;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    public KafkaCeiling(KafkaCluster kafka, Duration duration) {
        this.kafka = kafka;
        this.duration = duration;
    }

    /** The figures of one run. */
    public record Result(long producedRecords, double producerRecordsPerSecond,
                         long consumedRecords, double consumerRecordsPerSecond,
                         long foldedRecords, long foldedKeys, double streamsRecordsPerSecond, Duration elapsed) {
    }

    /** Runs the three phases: producer 30 %, consumer 20 %, streams 50 % of the duration at most. */
    public Result run() throws Exception {
        long started = System.nanoTime();
        String rawTopic = "bench.ceiling.raw." + runId;
        String streamsTopic = "bench.ceiling.streams." + runId;
        try (Admin admin = kafka.admin()) {
            short rf = (short) Math.min(3, kafka.brokerCount());
            admin.createTopics(List.of(new NewTopic(rawTopic, PARTITIONS, rf), new NewTopic(streamsTopic, PARTITIONS, rf)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Phase produce = produce(rawTopic, share(0.30), Long.MAX_VALUE, 0);
        Phase consume = consume(rawTopic, produce.records(), share(0.20));
        Duration streamsShare = share(0.50);
        // Input for the fold: as much as the fold could take in its share at the reference rate, produced untimed.
        long streamsInput = Math.max(10_000, Math.min(produce.records(), streamsShare.toSeconds() * 60_000));
        long keys = Math.max(1, streamsInput / RECORDS_PER_KEY);
        produce(streamsTopic, Duration.ofMinutes(5), streamsInput, keys);
        Phase fold = fold(streamsTopic, streamsInput, streamsShare);
        return new Result(produce.records(), produce.rate(), consume.records(), consume.rate(),
                fold.records(), keys, fold.rate(), Duration.ofNanos(System.nanoTime() - started));
    }

    /** Only the Streams exactly-once reference aggregate, bounded by {@code limit}: records folded per second. */
    public double streamsAggregateRate(Duration limit) throws Exception {
        String streamsTopic = "bench.ceiling.streams." + runId;
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(streamsTopic, PARTITIONS, (short) Math.min(3, kafka.brokerCount()))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        long input = Math.max(10_000, limit.toSeconds() * 60_000);
        produce(streamsTopic, Duration.ofMinutes(5), input, Math.max(1, input / RECORDS_PER_KEY));
        return fold(streamsTopic, input, limit).rate();
    }

    private Duration share(double fraction) {
        return Duration.ofMillis((long) (duration.toMillis() * fraction));
    }

    private record Phase(long records, double rate) {
    }

    private Phase produce(String topic, Duration limit, long maxRecords, long keys) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        SplittableRandom random = new SplittableRandom(42);
        byte[] base = new byte[PAYLOAD_BYTES];
        random.nextBytes(base);
        AtomicLong acked = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (sent < maxRecords && System.nanoTime() < deadline) {
                byte[] payload = base.clone();
                // Distinct payloads: a counter and fresh random bytes, so compression cannot collapse them.
                long n = sent;
                for (int i = 0; i < 8; i++) {
                    payload[i] = (byte) (n >>> (8 * i));
                }
                for (int i = 8; i < PAYLOAD_BYTES; i += 8) {
                    long r = random.nextLong();
                    for (int j = 0; j < 8 && i + j < PAYLOAD_BYTES; j++) {
                        payload[i + j] = (byte) (r >>> (8 * j));
                    }
                }
                byte[] key = keys > 0 ? Long.toString(sent % keys).getBytes(StandardCharsets.UTF_8) : null;
                producer.send(new ProducerRecord<>(topic, key, payload), (meta, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    }
                });
                sent++;
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Phase(acked.get(), acked.get() / seconds);
    }

    private Phase consume(String topic, long expected, Duration limit) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-consumer-" + runId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        long count = 0;
        long first = 0;
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < expected && System.nanoTime() < deadline) {
                int polled = consumer.poll(Duration.ofMillis(100)).count();
                if (polled > 0 && first == 0) {
                    first = System.nanoTime(); // the clock starts with the first record, not with the group join
                }
                count += polled;
            }
        }
        double seconds = first == 0 ? 1 : (System.nanoTime() - first) / 1e9;
        return new Phase(count, count / seconds);
    }

    private Phase fold(String topic, long expected, Duration limit) throws InterruptedException {
        AtomicLong folded = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey()
                .aggregate(() -> new byte[PAYLOAD_BYTES], (key, value, state) -> {
                    long now = System.nanoTime();
                    firstNanos.compareAndSet(0, now);
                    lastNanos.set(now);
                    folded.incrementAndGet();
                    byte[] next = state.clone();
                    for (int i = 0; i < next.length; i++) {
                        next[i] ^= value[i];
                    }
                    return next;
                }, Materialized.with(Serdes.String(), Serdes.ByteArray()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-ceiling-" + runId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Math.min(3, kafka.brokerCount()));
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/kassa-bench-streams-" + runId);
        long deadline = System.nanoTime() + limit.toNanos();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            while (folded.get() < expected && System.nanoTime() < deadline) {
                Thread.sleep(100); // sampling progress of a running Streams app; there is nothing to await on
            }
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
        }
        long first = firstNanos.get();
        double seconds = first == 0 ? 1 : Math.max(1e-9, (lastNanos.get() - first) / 1e9);
        return new Phase(folded.get(), folded.get() / seconds);
    }
}
