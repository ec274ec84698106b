package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.log.EventLogReplay;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kassa replay --rebuild} on a real broker: refused while the aggregate runs; with it stopped, a corrupted
 * store record and a state for a session that has no events are put right from the events, and the restarted
 * aggregate decides from the rebuilt state.
 */
@ExtendWith(KafkaExtension.class)
class ReplayRebuildTest {

    @TempDir
    Path dir;

    @Test
    void rebuild_puts_the_aggregates_state_right_from_the_events(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 10;
        long corrupted = base + 1;
        long phantom = base + 9;
        String appId = "rebuild-agg-" + base;
        try (KafkaProducer<Long, SessionCommand> commands = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Serdes.Long().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
            try (AggregateService aggregate = start(bootstrap, appId)) {
                for (long s = base; s < base + 3; s++) {
                    commands.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), s, create(s))).get();
                }
                for (long s = base; s < base + 3; s++) {
                    assertThat(awaitResult(bootstrap, s, "create-" + s).getOutcome()).isEqualTo(CommandOutcome.APPLIED);
                }
                StringWriter refused = new StringWriter();
                assertThat(execute(refused, "replay", "--rebuild", "--bootstrap", bootstrap, "--application-id", appId)).isEqualTo(2);
                assertThat(refused.toString()).contains("is running").contains("stop every `kassa aggregate` instance first");
            }

            // Damage while it is stopped: the store says a created session was paid, and knows a session nobody created.
            SessionState good = EventLogReplay.readStateTopic(dev.kassa.schemas.KafkaAccess.of(bootstrap)).get(corrupted);
            SessionState bad = SessionState.newBuilder(good).setStatus(SessionStatus.PAID).build();
            SessionState ghost = SessionState.newBuilder(good).setSessionId(phantom).setOrderId("GHOST").build();
            String changelog = appId + "-sessions-changelog";
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                var store = new AvroSerde<>(SessionState.class).serializer();
                var longs = Serdes.Long().serializer();
                for (SessionState s : List.of(bad, ghost)) {
                    int partition = SessionEventPartitioner.partitionOf(s.getSessionId(), 6);
                    raw.send(new ProducerRecord<>(changelog, partition, longs.serialize(changelog, s.getSessionId()), store.serialize(changelog, s))).get();
                    raw.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), longs.serialize("", s.getSessionId()),
                            Topics.SESSION_STATE.valueSerde().serializer().serialize("", s))).get();
                }
            }
            StringWriter broken = new StringWriter();
            assertThat(execute(broken, "replay", "--verify", "--bootstrap", bootstrap)).isEqualTo(ReplayCommand.MISMATCH);

            StringWriter rebuilt = new StringWriter();
            assertThat(execute(rebuilt, "replay", "--rebuild", "--bootstrap", bootstrap, "--application-id", appId))
                    .as(rebuilt.toString()).isEqualTo(0);
            assertThat(rebuilt.toString()).contains("1 state(s) corrected").contains("1 removed (no events)")
                    .containsPattern("[0-9,]+ events folded into [0-9,]+ sessions").contains("events/s");
            StringWriter verified = new StringWriter();
            assertThat(execute(verified, "replay", "--verify", "--bootstrap", bootstrap)).as(verified.toString()).isEqualTo(0);

            // The restarted aggregate restores the rebuilt store: the "paid" session takes a payment attempt again,
            // and the ghost's id is free for a real create.
            try (AggregateService aggregate = start(bootstrap, appId)) {
                SessionCommand attempt = SessionCommand.newBuilder().setCommandId("attempt-" + corrupted).setSessionId(corrupted)
                        .setMerchantId(1).setIssuedAt(Instant.now()).setActor("merchant-api")
                        .setPayload(new StartPaymentAttempt("att-1", "card", "sandbox-card", null, null)).build();
                commands.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), corrupted, attempt)).get();
                CommandResult taken = awaitResult(bootstrap, corrupted, attempt.getCommandId());
                assertThat(taken.getOutcome()).as(String.valueOf(taken.getErrorCode())).isEqualTo(CommandOutcome.APPLIED);
                assertThat(taken.getStatus()).isEqualTo(SessionStatus.PENDING);
                commands.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), phantom, create(phantom))).get();
                assertThat(awaitResult(bootstrap, phantom, "create-" + phantom).getOutcome()).isEqualTo(CommandOutcome.APPLIED);
            }
        }
    }

    private AggregateService start(String bootstrap, String appId) throws InterruptedException {
        AggregateService aggregate = AggregateService.start(new AggregateService.Config(dev.kassa.schemas.KafkaAccess.of(bootstrap), appId, dir.resolve("state"),
                Duration.ofMillis(100), 0, AggregateSettings.DEFAULTS, Map.of()));
        assertThat(aggregate.awaitRunning(Duration.ofSeconds(60))).isTrue();
        return aggregate;
    }

    private static SessionCommand create(long session) {
        Instant now = Instant.now();
        return SessionCommand.newBuilder().setCommandId("create-" + session).setSessionId(session).setMerchantId(1)
                .setIssuedAt(now).setActor("merchant-api")
                .setPayload(CreateSession.newBuilder().setOrderId("R-" + session).setAmountMinor(1000).setCurrency("EUR")
                        .setShopDomain("shop.example").setExpiresAt(now.plusSeconds(3600)).setGraceSeconds(1800).build()).build();
    }

    private static CommandResult awaitResult(String bootstrap, long session, String commandId) {
        List<CommandResult> results = new ArrayList<>();
        try (KafkaConsumer<Long, CommandResult> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "r-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() == session && r.value().getCommandId().equals(commandId)) {
                        results.add(r.value());
                    }
                });
                return !results.isEmpty();
            });
        }
        return results.get(0);
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }
}
