package dev.kassa.bench;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Commands per second through the session aggregate, on a realistic mix: for each session a create, a payment
 * attempt, a provider report (80 % paid, 20 % declined) and, for one report in five, the same callback again;
 * one session in twenty has a 1-second TTL and expires during the run. The commands are written first, then
 * the aggregate starts and folds them; the rate is measured from its first result to its last.
 */
public final class AggregateBenchmark {

    private final KafkaCluster kafka;
    private final Duration limit;

    public AggregateBenchmark(KafkaCluster kafka, Duration limit) {
        this.kafka = kafka;
        this.limit = limit;
    }

    /** The figures of one run. */
    public record Result(long commands, long results, double commandsPerSecond, long sessions, long expired) {
    }

    public Result run(long sessions) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) Math.min(3, kafka.brokerCount()))).ensure();
        }
        long commands = writeCommands(sessions);
        Path stateDir = Files.createTempDirectory("kassa-bench-aggregate-");
        AggregateService.Config config = new AggregateService.Config(KafkaAccess.of(kafka.bootstrapServers()), "bench-aggregate-" + System.nanoTime(),
                stateDir, Duration.ofMillis(100), 0, AggregateSettings.DEFAULTS, Map.of());
        long results = 0;
        long expired = 0;
        long first = 0;
        long last = 0;
        try (KafkaConsumer<Long, CommandResult> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-results-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer());
             AggregateService aggregate = AggregateService.start(config)) {
            consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
            long deadline = System.nanoTime() + limit.toNanos();
            while (results < commands && System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long now = System.nanoTime();
                if (first == 0) {
                    first = now;
                }
                last = now;
                for (var record : records) {
                    if (record.value().getCommandType().equals("ExpireSession")) {
                        expired++;
                    } else {
                        results++;
                    }
                }
            }
        }
        double seconds = first == 0 || last == first ? 1 : (last - first) / 1e9;
        return new Result(commands, results, results / seconds, sessions, expired);
    }

    private long writeCommands(long sessions) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long count = 0;
        Instant now = Instant.now();
        try (KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                Topics.SESSION_COMMANDS.keySerde().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
            for (long s = 1; s <= sessions; s++) {
                long session = 1_000_000_000L + s;
                boolean shortLived = s % 20 == 0;
                send(producer, SessionCommand.newBuilder().setCommandId("c-" + session).setSessionId(session).setMerchantId(1)
                        .setIssuedAt(now).setActor("bench").setPayload(CreateSession.newBuilder()
                                .setOrderId("ORDER-" + session).setAmountMinor(7900).setCurrency("EUR").setShopDomain("shop.example")
                                .setCustomerEmail("buyer@example.com").setMetaJson("{\"cart\":\"" + session + "\"}")
                                .setExpiresAt(now.plusSeconds(shortLived ? 1 : 900)).setGraceSeconds(1800).build()).build());
                count++;
                if (shortLived) {
                    continue; // left open: it expires
                }
                send(producer, SessionCommand.newBuilder().setCommandId("a-" + session).setSessionId(session).setMerchantId(1)
                        .setIssuedAt(now).setActor("buyer").setPayload(new StartPaymentAttempt("att-" + session, "card", "sandbox-card", "pp-" + session, null)).build());
                count++;
                boolean paid = random.nextInt(5) != 0;
                SessionCommand report = SessionCommand.newBuilder().setCommandId("p-" + session).setSessionId(session).setMerchantId(1)
                        .setIssuedAt(now).setActor("provider:sandbox-card").setPayload(ProviderReport.newBuilder()
                                .setProvider("sandbox-card").setProviderEventId("p-" + session)
                                .setProviderStatus(paid ? "completed" : "declined").setStatus(paid ? ReportedStatus.PAID : ReportedStatus.FAILED)
                                .setAttemptId("att-" + session).setProviderPaymentId("pp-" + session)
                                .setAmountMinor(7900L).setCurrency("EUR").setPayloadSha256(Long.toHexString(session * 31))
                                .setReportedAt(now).build()).build();
                send(producer, report);
                count++;
                if (random.nextInt(5) == 0) {
                    send(producer, report); // the provider sends it again
                    count++;
                }
            }
            producer.flush();
        }
        return count;
    }

    private static void send(KafkaProducer<Long, SessionCommand> producer, SessionCommand command) {
        producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), command.getSessionId(), command));
    }
}
