package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A session that goes created → pending → failed → pending → paid → refunded, with a duplicate callback and a
 * failed webhook attempt, through the real aggregate and relay; then kassa history and kassa replay --verify on it.
 */
@ExtendWith(KafkaExtension.class)
class HistoryAndReplayTest {

    @TempDir
    Path dir;

    @Test
    void history_shows_every_step_in_order_and_replay_verify_finds_a_corrupted_state(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long merchant = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long session = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 200, -1);
            exchange.close();
        });
        receiver.start();
        try (KafkaProducer<Long, Object> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Serdes.Long().serializer(), (topic, value) -> value instanceof Merchant m
                        ? Topics.MERCHANTS.valueSerde().serializer().serialize(topic, m)
                        : value instanceof SessionState s ? Topics.SESSION_STATE.valueSerde().serializer().serialize(topic, s)
                        : Topics.SESSION_COMMANDS.valueSerde().serializer().serialize(topic, (SessionCommand) value));
             AggregateService aggregate = AggregateService.start(new AggregateService.Config(dev.kassa.schemas.KafkaAccess.of(bootstrap), "history-agg-" + session,
                     dir.resolve("a"), Duration.ofMillis(100), 0, dev.kassa.aggregate.stream.AggregateSettings.DEFAULTS, Map.of()));
             RelayService relay = RelayService.start(new RelayService.Config(dev.kassa.schemas.KafkaAccess.of(bootstrap), "history-relay-" + session, dir.resolve("r"),
                     true, Duration.ofSeconds(5), new dev.kassa.relay.stream.RelaySettings(Duration.ofMillis(50), 64,
                     new dev.kassa.model.RetrySchedule(List.of(Duration.ofSeconds(1))), java.time.Clock.systemUTC()), Map.of()))) {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), merchant, Merchant.newBuilder().setMerchantId(merchant)
                    .setEmail("m@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                    .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                    .setWebhookUrl("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")
                    .setWebhookSecret("whsec_aGlzdG9yeQ==").setCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build())).get();
            aggregate.awaitRunning(Duration.ofSeconds(60));
            relay.awaitRunning(Duration.ofSeconds(60));

            Instant now = Instant.now();
            // Each command one second after the one before, so that every step has its own instant for --at.
            List<SessionCommand> commands = withTimes(now, List.of(
                    command("create", session, merchant, CreateSession.newBuilder().setOrderId("ORDER-H").setAmountMinor(7900)
                            .setCurrency("EUR").setShopDomain("shop.example").setExpiresAt(now.plusSeconds(900)).setGraceSeconds(1800).build()),
                    command("attempt-1", session, merchant, new StartPaymentAttempt("att-1", "card", "sandbox-card", "pp-att-1", null)),
                    command("cb-declined", session, merchant, report("cb-declined", "declined", "h1", "sandbox-card", "att-1")),
                    command("attempt-2", session, merchant, new StartPaymentAttempt("att-2", "paypal", "sandbox-paypal", "pp-att-2", null)),
                    command("cb-paid", session, merchant, report("cb-paid", "completed", "h2", "sandbox-paypal", "att-2")),
                    command("cb-paid", session, merchant, report("cb-paid", "completed", "h2", "sandbox-paypal", "att-2")),
                    command("refund-1", session, merchant, new RefundSession("rf-1", null, "customer asked", null, null)),
                    command("refund-1-confirmed", session, merchant, new RefundSession("rf-1", null, null,
                            new dev.kassa.schemas.avro.RefundSettlement(true, "prf-1", null), null))));
            for (SessionCommand c : commands) {
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, c)).get();
            }
            awaitResults(bootstrap, session, commands.size());
            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(bootstrap, session) >= 6);

            String history = run("history", String.valueOf(session), "--bootstrap", bootstrap);
            assertThat(history).containsSubsequence("SessionCreated by merchant-api", "created -> pending", "pending -> failed", "failed -> pending",
                    "pending -> paid", "duplicate ProviderReport", "paid -> paid", "paid -> refunded");
            assertThat(history).contains("HTTP 500").contains("-> retry_scheduled").contains("-> delivered");

            // The failed event is at now+2 s, the next attempt at now+3 s.
            assertThat(run("history", String.valueOf(session), "--bootstrap", bootstrap, "--at", now.plusMillis(2500).toString()))
                    .contains(": failed (sequence 3)");
            assertThat(run("history", String.valueOf(session), "--bootstrap", bootstrap, "--at", now.minusSeconds(1).toString()))
                    .contains("did not exist yet");

            StringWriter out = new StringWriter();
            assertThat(execute(out, "replay", "--verify", "--bootstrap", bootstrap)).as(out.toString()).isEqualTo(0);
            assertThat(out.toString()).contains(" 0 mismatch(es)");

            // A corrupted state record (an amount nobody paid) is found and named.
            SessionState good = dev.kassa.log.EventLogReplay.readStateTopic(dev.kassa.schemas.KafkaAccess.of(bootstrap)).get(session);
            producer.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), session,
                    SessionState.newBuilder(good).setAmountMinor(790).build())).get();
            StringWriter corrupted = new StringWriter();
            assertThat(execute(corrupted, "replay", "--verify", "--bootstrap", bootstrap)).isEqualTo(ReplayCommand.MISMATCH);
            assertThat(corrupted.toString()).contains("MISMATCH session " + session).contains("amount_minor is 790, the events say 7900");
        } finally {
            receiver.stop(0);
        }
    }

    private static List<SessionCommand> withTimes(Instant start, List<SessionCommand> commands) {
        List<SessionCommand> timed = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            // The duplicate callback is the same command, time included: it must digest the same.
            int second = i == 5 ? 4 : i;
            timed.add(SessionCommand.newBuilder(commands.get(i)).setIssuedAt(start.plusSeconds(second)).build());
        }
        return timed;
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        assertThat(execute(out, args)).isEqualTo(0);
        return out.toString();
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    private static SessionCommand command(String id, long session, long merchant, Object payload) {
        return SessionCommand.newBuilder().setCommandId(id).setSessionId(session).setMerchantId(merchant)
                .setIssuedAt(Instant.now()).setActor(payload instanceof ProviderReport ? "provider:sandbox-card" : "merchant-api")
                .setPayload(payload).build();
    }

    private static ProviderReport report(String id, String status, String digest, String provider, String attempt) {
        return ProviderReport.newBuilder().setProvider(provider).setProviderEventId(id).setProviderStatus(status)
                .setStatus(ReportedStatus.UNKNOWN).setAttemptId(attempt).setProviderPaymentId("pp-" + attempt)
                .setAmountMinor(7900L).setCurrency("EUR").setPayloadSha256(digest)
                .setFailureCode(status.equals("declined") ? "insufficient_funds" : null).setReportedAt(Instant.now()).build();
    }

    private static void awaitResults(String bootstrap, long session, int expected) {
        List<CommandResult> results = new ArrayList<>();
        try (KafkaConsumer<Long, CommandResult> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, "h-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.key() == session) {
                        results.add(r.value());
                    }
                });
                return results.size() >= expected;
            });
        }
    }

    private static long delivered(String bootstrap, long session) {
        List<WebhookAttempt> attempts = new ArrayList<>();
        dev.kassa.log.EventLogReplay.readSessionPartition(dev.kassa.schemas.KafkaAccess.of(bootstrap), Topics.WEBHOOK_ATTEMPTS.name(), session,
                Topics.WEBHOOK_ATTEMPTS.keySerde().deserializer(), Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer(), (k, a) -> {
                    if (a != null && a.getSessionId() == session && a.getOutcome().name().equals("DELIVERED")) {
                        attempts.add(a);
                    }
                });
        return attempts.size();
    }
}
