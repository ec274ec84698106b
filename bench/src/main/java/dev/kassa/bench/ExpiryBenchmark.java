package dev.kassa.bench;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionExpired;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Expiry with many open sessions: {@code open} sessions that stay open (1-hour TTL) are folded in first, then
 * {@code due} sessions whose {@code expires_at} falls over the next 20 seconds. Expiry lag is the expired event's
 * {@code occurred_at} minus {@code expires_at}. Memory is read after the open sessions are in.
 */
public final class ExpiryBenchmark {

    private final KafkaCluster kafka;
    private final Duration limit;

    public ExpiryBenchmark(KafkaCluster kafka, Duration limit) {
        this.kafka = kafka;
        this.limit = limit;
    }

    /** The figures of one run; lags in milliseconds. */
    public record Result(long open, double ingestPerSecond, long due, long expired, long lagP50, long lagP99, long lagMax,
                         long heapUsedMb, long rocksDbMemoryMb, long stateDirMb) {
    }

    public Result run(long open, long due) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) Math.min(3, kafka.brokerCount()))).ensure();
        }
        Path stateDir = Files.createTempDirectory("kassa-bench-expiry-");
        long deadline = System.nanoTime() + limit.toNanos();
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(KafkaAccess.of(kafka.bootstrapServers()),
                "bench-expiry-" + System.nanoTime(), stateDir, Duration.ofMillis(100), 0, AggregateSettings.DEFAULTS, Map.of()));
             KafkaConsumer<Long, CommandResult> results = consumer(Topics.COMMAND_RESULTS.keySerde().deserializer(),
                     Topics.COMMAND_RESULTS.valueSerde().deserializer(), Topics.COMMAND_RESULTS.name());
             KafkaConsumer<SessionEventKey, SessionEvent> events = consumer(Topics.SESSION_EVENTS.keySerde().deserializer(),
                     Topics.SESSION_EVENTS.valueSerde().deserializer(), Topics.SESSION_EVENTS.name())) {
            aggregate.awaitRunning(Duration.ofMinutes(2));
            Instant now = Instant.now();
            long started = System.nanoTime();
            write(1, open, i -> now.plusSeconds(3600));
            long answered = 0;
            while (answered < open && System.nanoTime() < deadline) {
                answered += results.poll(Duration.ofMillis(200)).count();
            }
            double ingest = answered / ((System.nanoTime() - started) / 1e9);
            System.gc();
            long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / (1024 * 1024);
            long rocks = rocksDbMemory(aggregate.metrics()) / (1024 * 1024);
            long disk = directorySize(stateDir) / (1024 * 1024);

            Instant dueFrom = Instant.now().plusSeconds(5);
            write(open + 1, due, i -> dueFrom.plusMillis(i * 20_000L / due));
            List<Long> lags = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            while (lags.size() < due && System.nanoTime() < deadline) {
                for (var record : events.poll(Duration.ofMillis(200))) {
                    SessionEvent event = record.value();
                    if (event.getPayload() instanceof SessionExpired expired && seen.add(event.getSessionId())) {
                        lags.add(event.getOccurredAt().toEpochMilli() - expired.getExpiresAt().toEpochMilli());
                    }
                }
            }
            Collections.sort(lags);
            return new Result(open, ingest, due, lags.size(), percentile(lags, 0.50), percentile(lags, 0.99),
                    lags.isEmpty() ? -1 : lags.get(lags.size() - 1), heap, rocks, disk);
        }
    }

    private void write(long firstSession, long count, LongFunction<Instant> expiresAt) {
        Instant now = Instant.now();
        try (KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                Topics.SESSION_COMMANDS.keySerde().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
            for (long i = 0; i < count; i++) {
                long session = 2_000_000_000L + firstSession + i;
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, SessionCommand.newBuilder()
                        .setCommandId("c-" + session).setSessionId(session).setMerchantId(1).setIssuedAt(now).setActor("bench")
                        .setPayload(CreateSession.newBuilder().setOrderId("ORDER-" + session).setAmountMinor(7900)
                                .setCurrency("EUR").setShopDomain("shop.example").setCustomerEmail("buyer@example.com")
                                .setExpiresAt(expiresAt.apply(i)).setGraceSeconds(1800).build()).build()));
            }
            producer.flush();
        }
    }

    private <K, V> KafkaConsumer<K, V> consumer(Deserializer<K> keys,
                                                Deserializer<V> values, String topic) {
        KafkaConsumer<K, V> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-expiry-reader-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000), keys, values);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static long rocksDbMemory(Map<MetricName, ? extends Metric> metrics) {
        long total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            String name = e.getKey().name();
            if ((name.equals("size-all-mem-tables") || name.equals("estimate-table-readers-mem") || name.equals("block-cache-usage"))
                    && e.getValue().metricValue() instanceof Number n) {
                total += n.longValue();
            }
        }
        return total;
    }

    private static long directorySize(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
