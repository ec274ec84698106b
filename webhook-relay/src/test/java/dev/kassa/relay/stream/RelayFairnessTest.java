package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.relay.app.RelayMain;
import dev.kassa.relay.delivery.HostileReceiver;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile merchant may slow only itself (SPEC.md, "Delivery limits"), over the real broker and real sockets, with
 * the relay in its own JVM: one merchant has thousands of sessions and three hostile endpoints (headers then a
 * trickle, silence, an endless body), another a healthy one. The healthy merchant's webhooks arrive within seconds
 * while the hostile ones are pending; no hostile endpoint ever holds more than its 16 connections; every hostile
 * attempt that runs out of time ends as {@code timeout} within the deadline and a second, and is retried. A kill -9
 * of the relay in the middle loses nothing.
 */
@ExtendWith(KafkaExtension.class)
class RelayFairnessTest {

    private static final int HOSTILE_SESSIONS = 2_000;
    private static final int HEALTHY_SESSIONS = 300;
    private static final Duration DEADLINE = Duration.ofSeconds(2);
    private static final String RETRIES = "1s,1s,2s,2s,5s,5s,10s,10s,30s,30s";
    private static final List<String> HOSTILE = List.of("/trickle", "/silent", "/endless-503");

    @TempDir
    Path stateDir;

    @Test
    void a_hostile_merchants_endpoints_delay_only_their_own_webhooks(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long hostileMerchant = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long healthyMerchant = hostileMerchant + 1;
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 10_000;
        String appId = "fair-relay-" + System.nanoTime();
        try (HostileReceiver hostile = new HostileReceiver(); Receiver healthy = new Receiver();
             KafkaProducer<SessionEventKey, SessionEvent> events = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName(), ProducerConfig.LINGER_MS_CONFIG, 5),
                     Topics.SESSION_EVENTS.keySerde().serializer(), Topics.SESSION_EVENTS.valueSerde().serializer())) {
            sendMerchant(kafka, hostileMerchant, hostile.url(HOSTILE.get(0)), List.of(
                    endpoint(hostileMerchant * 100 + 1, hostile.url(HOSTILE.get(1))),
                    endpoint(hostileMerchant * 100 + 2, hostile.url(HOSTILE.get(2)))));
            sendMerchant(kafka, healthyMerchant, healthy.url("/ok"), List.of());
            Process relay = startRelay(kafka, appId, "first");
            try {
                for (int i = 0; i < HOSTILE_SESSIONS; i++) {
                    events.send(created(hostileMerchant, base + i));
                }
                events.flush();
                // The hostile backlog is queued (the relay has read every event) and its endpoints are full.
                await().atMost(Duration.ofSeconds(90)).until(() -> relayHasRead(kafka, appId)
                        && hostile.mostOpen("/silent") >= 16 && hostile.mostOpen("/trickle") >= 16);

                // The healthy merchant's sessions, 50 a second, while the hostile webhooks are pending.
                Map<Long, Long> sentAt = new HashMap<>();
                sendHealthy(events, healthyMerchant, base + HOSTILE_SESSIONS, HEALTHY_SESSIONS, sentAt);
                await().atMost(Duration.ofSeconds(60)).until(() -> distinct(healthy) >= HEALTHY_SESSIONS);
                List<Long> lags = new ArrayList<>();
                Map<String, Long> firstReceipt = new HashMap<>();
                healthy.received("/ok").forEach(r -> firstReceipt.merge(r.webhookId(), r.receivedAtMillis(), Math::min));
                sentAt.forEach((session, at) -> lags.add(firstReceipt.get("evt_" + session + "_1") - at));
                Collections.sort(lags);
                long p95 = lags.get((int) Math.ceil(0.95 * lags.size()) - 1);
                System.out.printf("relay fairness: healthy webhooks p50 %d ms, p95 %d ms, max %d ms; hostile connections at most "
                                + "%d/%d/%d%n", lags.get(lags.size() / 2), p95, lags.get(lags.size() - 1), hostile.mostOpen("/trickle"),
                        hostile.mostOpen("/silent"), hostile.mostOpen("/endless-503"));
                assertThat(p95).as("healthy p95 (ms) while the hostile merchant's webhooks are pending").isLessThanOrEqualTo(3_000);

                // kill -9 in the middle of more healthy sessions: nothing is lost.
                Map<Long, Long> more = new HashMap<>();
                sendHealthy(events, healthyMerchant, base + HOSTILE_SESSIONS + HEALTHY_SESSIONS, 50, more);
                relay.destroyForcibly().waitFor();
                sendHealthy(events, healthyMerchant, base + HOSTILE_SESSIONS + HEALTHY_SESSIONS + 50, 50, more);
                relay = startRelay(kafka, appId, "second");
                await().atMost(Duration.ofSeconds(120)).until(() -> distinct(healthy) >= HEALTHY_SESSIONS + 100);
                long hostileAttemptsBefore = hostile.requests("/silent");
                await("the restarted relay goes on with the hostile webhooks").atMost(Duration.ofSeconds(60))
                        .until(() -> hostile.requests("/silent") > hostileAttemptsBefore);

                for (String path : HOSTILE) {
                    assertThat(hostile.mostOpen(path)).as("connections %s ever held at once", path).isLessThanOrEqualTo(16);
                }
                List<WebhookAttempt> attempts = attempts(kafka, hostileMerchant);
                List<WebhookAttempt> timedOut = attempts.stream().filter(a -> "timeout".equals(a.getReason())).toList();
                assertThat(timedOut).as("the trickle and the silent endpoint's attempts time out").isNotEmpty();
                assertThat(timedOut).allSatisfy(a -> assertThat(a.getLatencyMs()).isLessThanOrEqualTo(DEADLINE.toMillis() + 1_000));
                assertThat(attempts.stream().filter(a -> a.getEndpointId() != null && a.getEndpointId().equals("we_" + (hostileMerchant * 100 + 2))))
                        .as("the endless body's attempts are answered 503 at once").isNotEmpty()
                        .allSatisfy(a -> assertThat(a.getReason()).isEqualTo("http_status"));
                assertThat(timedOut).as("each is retried on the schedule (behind the endpoint's older first attempts)").allSatisfy(a -> {
                    assertThat(a.getOutcome()).isEqualTo(dev.kassa.schemas.avro.AttemptOutcome.RETRY_SCHEDULED);
                    assertThat(a.getNextAttemptAt()).isAfter(a.getAttemptedAt());
                });
            } finally {
                relay.destroy();
                relay.waitFor();
            }
        }
    }

    private static void sendHealthy(KafkaProducer<SessionEventKey, SessionEvent> events, long merchant, long first, int count,
                                    Map<Long, Long> sentAt) {
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * 20_000_000L; // 50 a second
            while (System.nanoTime() < due) {
                Thread.onSpinWait();
            }
            sentAt.put(first + i, System.currentTimeMillis());
            events.send(created(merchant, first + i));
            events.flush();
        }
    }

    private static long distinct(Receiver healthy) {
        return healthy.received("/ok").stream().map(Receiver.Received::webhookId).distinct().count();
    }

    /** Whether the relay's consumer group has read the events topic to its end. */
    private static boolean relayHasRead(KafkaCluster kafka, String appId) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> read =
                    admin.listConsumerGroupOffsets(appId).partitionsToOffsetAndMetadata().get();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(Topics.SESSION_EVENTS.name())).allTopicNames().get().get(Topics.SESSION_EVENTS.name()).partitions()
                    .forEach(p -> ends.put(new org.apache.kafka.common.TopicPartition(Topics.SESSION_EVENTS.name(), p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var latest = admin.listOffsets(ends).all().get();
            return latest.entrySet().stream().allMatch(e -> read.containsKey(e.getKey())
                    && read.get(e.getKey()).offset() >= e.getValue().offset());
        }
    }

    private Process startRelay(KafkaCluster kafka, String appId, String name) throws Exception {
        return ChildJvm.start("fair-relay-" + name, RelayMain.class, kafka.bootstrapServers(), stateDir.toString(), appId, "allow-loopback",
                RETRIES, DEADLINE.toSeconds() + "s");
    }

    private static ProducerRecord<SessionEventKey, SessionEvent> created(long merchant, long session) {
        Instant now = Instant.now();
        return new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(session, 1), SessionEvent.newBuilder()
                .setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(merchant).setSequence(1)
                .setOccurredAt(now).setStatus(SessionStatus.CREATED).setPreviousStatus(null)
                .setCause(new EventCause("c1", "CreateSession", "test", "d"))
                .setPayload(SessionCreated.newBuilder().setOrderId("O-" + session).setAmountMinor(1000).setCurrency("EUR")
                        .setShopDomain("shop.example").setExpiresAt(now.plusSeconds(900)).setGraceSeconds(1800).build()).build());
    }

    private static WebhookEndpoint endpoint(long key, String url) {
        return WebhookEndpoint.newBuilder().setEndpointKey(key).setUrl(url).setSecret(RelayDriver.SECRET).setEventFilter(List.of("*"))
                .setEnabled(true).setEnabledAt(Instant.now()).setCreatedAt(Instant.now()).build();
    }

    private static void sendMerchant(KafkaCluster kafka, long id, String url, List<WebhookEndpoint> more) throws Exception {
        try (KafkaProducer<Long, Merchant> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Serdes.Long().serializer(), Topics.MERCHANTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), id, Merchant.newBuilder().setMerchantId(id)
                    .setEmail("fair@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                    .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(url)
                    .setWebhookSecret(RelayDriver.SECRET).setWebhookEndpoints(more).setCreatedAt(Instant.now()).setUpdatedAt(Instant.now())
                    .build())).get();
        }
    }

    private static List<WebhookAttempt> attempts(KafkaCluster kafka, long merchant) {
        List<WebhookAttempt> all = new ArrayList<>();
        try (KafkaConsumer<Long, WebhookAttempt> consumer = new KafkaConsumer<>(Map.<String, Object>of(
                "bootstrap.servers", kafka.bootstrapServers(), "auto.offset.reset", "earliest", "group.id", "fair-" + System.nanoTime()),
                Serdes.Long().deserializer(), Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.WEBHOOK_ATTEMPTS.name()));
            long idleSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - idleSince < 3_000) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    idleSince = System.currentTimeMillis();
                }
                records.forEach(r -> {
                    if (r.value() != null && r.value().getMerchantId() == merchant) {
                        all.add(r.value());
                    }
                });
            }
        }
        return all;
    }
}
