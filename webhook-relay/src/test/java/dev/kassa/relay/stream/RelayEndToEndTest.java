package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.relay.app.RelayMain;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The relay in its own JVM on the real broker, SIGKILLed mid-load and restarted: every webhook arrives at least once. */
@ExtendWith(KafkaExtension.class)
class RelayEndToEndTest {

    private static final int SESSIONS_PER_HALF = 150;

    /**
     * Short retries: this test is about a crash losing nothing, not about the production schedule (whose first
     * delays, 5 s then 30 s then 2 min, would turn one refused connection on a slow machine into minutes).
     */
    private static final String RETRIES = "500ms,1s,2s,2s,5s,5s,10s,10s,10s,30s";

    @TempDir
    Path stateDir;

    @Test
    void a_killed_relay_loses_no_webhook_and_duplicates_keep_their_webhook_id(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long merchantId = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1000;
        String appId = "e2e-relay-" + System.nanoTime();
        try (Receiver receiver = new Receiver()) {
            sendMerchant(kafka, merchantId, receiver.url("/ok"));
            Process first = startRelay(kafka, appId, "first");
            sendEvents(kafka, merchantId, base, 0, SESSIONS_PER_HALF);
            awaitDelivered(kafka, receiver, base, SESSIONS_PER_HALF, 0, SESSIONS_PER_HALF / 2, Duration.ofSeconds(120));
            first.destroyForcibly().waitFor();
            int beforeKill = ours(receiver, base).size();

            sendEvents(kafka, merchantId, base, SESSIONS_PER_HALF, 2 * SESSIONS_PER_HALF);
            Process second = startRelay(kafka, appId, "second");
            try {
                awaitDelivered(kafka, receiver, base, 2 * SESSIONS_PER_HALF * 2, 0, 2 * SESSIONS_PER_HALF, Duration.ofSeconds(180));
            } finally {
                second.destroy();
                second.waitFor();
            }

            List<Receiver.Received> all = ours(receiver, base);
            Map<String, List<Receiver.Received>> byId = new HashMap<>();
            all.forEach(r -> byId.computeIfAbsent(r.webhookId(), id -> new ArrayList<>()).add(r));
            long duplicates = all.size() - byId.size();
            System.out.printf("relay end-to-end: %d webhooks received before SIGKILL, %d in all for %d events, %d duplicates%n",
                    beforeKill, all.size(), byId.size(), duplicates);
            for (List<Receiver.Received> copies : byId.values()) {
                for (Receiver.Received copy : copies) {
                    assertThat(copy.body()).as("every copy of %s has the same body", copy.webhookId()).isEqualTo(copies.get(0).body());
                }
            }
            // Per-session order: a session's second webhook never arrives before its first.
            List<String> order = all.stream().map(Receiver.Received::webhookId).toList();
            for (int i = 0; i < 2 * SESSIONS_PER_HALF; i++) {
                long session = base + i;
                assertThat(order.indexOf("evt_" + session + "_1")).isLessThan(order.indexOf("evt_" + session + "_2"));
            }
        }
    }

    @Test
    void a_410_is_published_as_the_relays_own_fact_and_the_merchants_topic_is_never_written(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long merchantId = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1000;
        try (Receiver receiver = new Receiver();
             dev.kassa.relay.app.RelayService relay = dev.kassa.relay.app.RelayService.start(new dev.kassa.relay.app.RelayService.Config(
                     dev.kassa.schemas.KafkaAccess.of(kafka.bootstrapServers()), "e2e-gone-" + System.nanoTime(), stateDir, true, Duration.ofSeconds(5),
                     new RelaySettings(Duration.ofMillis(50), 64, new dev.kassa.model.RetrySchedule(List.of(Duration.ofSeconds(1))),
                             java.time.Clock.systemUTC()), Map.of()))) {
            sendMerchant(kafka, merchantId, receiver.url("/gone"));
            relay.awaitRunning(Duration.ofSeconds(60));
            sendEvents(kafka, merchantId, base, 0, 1);

            List<dev.kassa.schemas.avro.WebhookEndpointStatus> facts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                facts.clear();
                facts.addAll(readAll(kafka, Topics.WEBHOOK_ENDPOINT_STATUS.name(), Topics.WEBHOOK_ENDPOINT_STATUS.valueSerde().deserializer())
                        .stream().filter(f -> f.getMerchantId() == merchantId).toList());
                return !facts.isEmpty();
            });
            assertThat(facts).singleElement().satisfies(f -> {
                assertThat(f.getUrl()).isEqualTo(receiver.url("/gone"));
                assertThat(f.getReason()).startsWith("410 Gone");
            });
            assertThat(readAll(kafka, Topics.MERCHANTS.name(), Topics.MERCHANTS.valueSerde().deserializer()).stream()
                    .filter(m -> m.getMerchantId() == merchantId)).as("only the record this test (the gateway's part) wrote").hasSize(1);
        }
    }

    private static <V> List<V> readAll(KafkaCluster kafka, String topic, org.apache.kafka.common.serialization.Deserializer<V> values) {
        List<V> all = new ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
                "bootstrap.servers", kafka.bootstrapServers(), "auto.offset.reset", "earliest", "group.id", "read-" + System.nanoTime()),
                Serdes.Long().deserializer(), values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        all.add(record.value());
                    }
                }
            }
        }
        return all;
    }

    /**
     * Only this test's webhooks: the relay also replays other tests' events from the shared topic, and a port freed by
     * an earlier test's receiver can be this receiver's port.
     */
    private static List<Receiver.Received> ours(Receiver receiver, long base) {
        return receiver.received("/ok").stream().filter(r -> {
            String[] parts = r.webhookId().split("_");
            long session = Long.parseLong(parts[1]);
            return session >= base && session < base + 2L * SESSIONS_PER_HALF;
        }).toList();
    }

    /**
     * Waits until {@code expected} distinct webhooks of sessions {@code base+from .. base+to} arrived; when they do
     * not, fails naming the missing webhook ids and what the attempts topic says about them, so that a failure in CI
     * explains itself.
     */
    private static void awaitDelivered(KafkaCluster kafka, Receiver receiver, long base, int expected, int from, int to, Duration within) {
        try {
            await().atMost(within).until(() -> distinct(receiver, base) >= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            java.util.Set<String> got = new java.util.HashSet<>();
            ours(receiver, base).forEach(r -> got.add(r.webhookId()));
            List<String> missing = new ArrayList<>();
            for (int i = from; i < to; i++) {
                for (int seq = 1; seq <= 2; seq++) {
                    String id = "evt_" + (base + i) + "_" + seq;
                    if (!got.contains(id)) {
                        missing.add(id);
                    }
                }
            }
            List<String> attempts = new ArrayList<>();
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
                    "bootstrap.servers", kafka.bootstrapServers(), "auto.offset.reset", "earliest",
                    "group.id", "diagnose-" + System.nanoTime()),
                    Serdes.Long().deserializer(), Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer())) {
                consumer.subscribe(List.of(Topics.WEBHOOK_ATTEMPTS.name()));
                long deadline = System.currentTimeMillis() + 10_000;
                while (System.currentTimeMillis() < deadline) {
                    for (var record : consumer.poll(Duration.ofMillis(500))) {
                        dev.kassa.schemas.avro.WebhookAttempt a = record.value();
                        if (a != null && missing.contains(a.getEventId())) {
                            attempts.add(a.getEventId() + " attempt " + a.getAttempt() + " at " + a.getAttemptedAt() + ": "
                                    + a.getOutcome() + " status " + a.getStatusCode() + " error " + a.getError());
                        }
                    }
                }
            }
            throw new AssertionError(distinct(receiver, base) + " of " + expected + " webhooks arrived within " + within
                    + "; missing " + missing.size() + " " + missing.subList(0, Math.min(20, missing.size()))
                    + "; their attempts: " + attempts.subList(0, Math.min(40, attempts.size())), e);
        }
    }

    private static long distinct(Receiver receiver, long base) {
        return ours(receiver, base).stream().map(Receiver.Received::webhookId).distinct().count();
    }

    private static void sendMerchant(KafkaCluster kafka, long id, String url) throws Exception {
        try (KafkaProducer<Long, Merchant> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Serdes.Long().serializer(), Topics.MERCHANTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), id, Merchant.newBuilder().setMerchantId(id)
                    .setEmail("e2e@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                    .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(url)
                    .setWebhookSecret(RelayDriver.SECRET).setCreatedAt(Instant.now()).setUpdatedAt(Instant.now()).build())).get();
        }
    }

    private static void sendEvents(KafkaCluster kafka, long merchant, long base, int from, int to) throws Exception {
        Instant now = Instant.now();
        try (KafkaProducer<SessionEventKey, SessionEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName()),
                Topics.SESSION_EVENTS.keySerde().serializer(), Topics.SESSION_EVENTS.valueSerde().serializer())) {
            for (int i = from; i < to; i++) {
                long session = base + i;
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(session, 1), SessionEvent.newBuilder()
                        .setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(merchant).setSequence(1)
                        .setOccurredAt(now).setStatus(SessionStatus.CREATED).setPreviousStatus(null)
                        .setCause(new EventCause("c1", "CreateSession", "test", "d"))
                        .setPayload(SessionCreated.newBuilder().setOrderId("O-" + session).setAmountMinor(1000).setCurrency("EUR")
                                .setShopDomain("shop.example").setExpiresAt(now.plusSeconds(900)).setGraceSeconds(1800).build()).build()));
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(session, 2), SessionEvent.newBuilder()
                        .setEventId("evt_" + session + "_2").setSessionId(session).setMerchantId(merchant).setSequence(2)
                        .setOccurredAt(now).setStatus(SessionStatus.PENDING).setPreviousStatus(SessionStatus.CREATED)
                        .setCause(new EventCause("c2", "StartPaymentAttempt", "test", "d"))
                        .setPayload(new PaymentPending("att", "card", "sandbox", null, null, null)).build()));
            }
            producer.flush();
        }
    }

    private Process startRelay(KafkaCluster kafka, String appId, String name) throws Exception {
        return ChildJvm.start("relay-" + name, RelayMain.class, kafka.bootstrapServers(), stateDir.toString(), appId, "allow-loopback",
                RETRIES);
    }
}
