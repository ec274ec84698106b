package dev.kassa.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.model.PaymentEvents;
import dev.kassa.model.SessionFold;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.PaymentEvent;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.LongSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kassa bench feed}: one merchant with {@code --events} events on {@code kassa.payment-events} (written straight
 * to the topic, the aggregate's part is measured by {@code kassa bench aggregate}), the gateway's views caught up, then
 * wrk on pages of 100 at random places of the feed, against {@code /health} of the same gateway in the same run.
 */
@Command(name = "feed", mixinStandardHelpOptions = true,
        description = "The events feed under wrk: p50/p99 of a 100-event page at --events events of one merchant, as ratios to /health.")
public final class FeedBenchCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "1000000", description = "Events of the one merchant (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seconds", defaultValue = "15", description = "Length of each wrk phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--connections", defaultValue = "16", description = "wrk connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Override
    public Integer call() throws Exception {
        Wrk wrk = Wrk.find();
        ObjectMapper json = new ObjectMapper();
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            try (var admin = kafka.admin()) {
                new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) 1)).ensure();
            }
            Path views = Files.createTempDirectory("bench-feed-views");
            try (GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "bench-admin", "http://localhost", true,
                    Map.of("kassa.gateway.rate-per-second", 1_000_000, "kassa.gateway.rate-burst", 1_000_000,
                            "kassa.gateway.client-rate-per-second", 1_000_000, "kassa.gateway.client-rate-burst", 1_000_000,
                            "kassa.gateway.views-state-dir", views.toString()))) {
                HttpClient http = HttpClient.newHttpClient();
                JsonNode merchant = json.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/admin/merchants"))
                        .header("Authorization", "Bearer bench-admin").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"f@bench.example\",\"domains\":[\"bench.example\"],\"package\":\"pro\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                String key = merchant.get("api_key").asText();
                long merchantId = merchant.get("merchant_id").asLong();

                long started = System.nanoTime();
                produce(kafka.bootstrapServers(), merchantId, events);
                double produceSeconds = (System.nanoTime() - started) / 1e9;
                // Caught up when the newest page answers the last event.
                long caughtUpAt = System.nanoTime();
                while (true) {
                    JsonNode page = json.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/events.php?limit=1&after=ev_"
                            + merchantId + "_" + Math.max(0, events - 1))).header("Authorization", "Bearer " + key).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    // The merchant partition holds only these events, at positions 0 .. events-1, in the order the three
                    // upstream partitions' tasks forwarded them (not F-0 .. F-n): the last position is there once all are.
                    if (page.path("events").size() > 0) {
                        break;
                    }
                    Thread.sleep(1000); // the views are still consuming; nothing to await on from outside
                }
                double catchUpSeconds = (System.nanoTime() - caughtUpAt) / 1e9;

                Path script = Files.createTempFile("kassa-feed-", ".lua");
                try (var in = FeedBenchCommand.class.getResourceAsStream("/wrk/feed.lua")) {
                    Files.write(script, in.readAllBytes());
                }
                Map<String, String> env = Map.of("KASSA_KEY", key, "KASSA_MERCHANT", Long.toString(merchantId),
                        "KASSA_POSITIONS", Long.toString(events));
                wrk.run(gateway.url() + "/health", connections, Duration.ofSeconds(5), null, Map.of());
                wrk.run(gateway.url(), connections, Duration.ofSeconds(5), script, env);
                Wrk.Result health = wrk.run(gateway.url() + "/health", connections, Duration.ofSeconds(seconds), null, Map.of());
                Wrk.Result feed = wrk.run(gateway.url(), connections, Duration.ofSeconds(seconds), script, env);
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("machine", Machine.current().toMap());
                figures.put("events", events);
                figures.put("produce_seconds", Math.round(produceSeconds * 10) / 10.0);
                figures.put("views_catch_up_seconds_after_produce", Math.round(catchUpSeconds * 10) / 10.0);
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
                System.out.printf("/health (ceiling): %,.0f/s, p50 %.2f ms, p99 %.2f ms%n", health.requestsPerSecond(), health.p50Ms(), health.p99Ms());
                System.out.printf("events.php, 100 per page at random places of %,d: %,.0f pages/s (%.3f of /health), p50 %.2f ms, p99 %.2f ms "
                                + "(%.1f x /health's p99), %d non-2xx%n", events, feed.requestsPerSecond(),
                        feed.requestsPerSecond() / health.requestsPerSecond(), feed.p50Ms(), feed.p99Ms(), feed.p99Ms() / health.p99Ms(),
                        feed.non2xx());
                return feed.non2xx() == 0 ? 0 : 1;
            }
        }
    }

    /** {@code count} events of one merchant on the public topic, as the aggregate would write them for created sessions. */
    private static void produce(String bootstrap, long merchantId, long count) {
        Map<String, Object> config = new LinkedHashMap<>(KafkaAccess.of(bootstrap).config(Map.of()));
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Instant t0 = Instant.now().minusSeconds(3600);
        try (KafkaProducer<Long, PaymentEvent> producer = new KafkaProducer<>(config, new LongSerializer(),
                Topics.PAYMENT_EVENTS.valueSerde().serializer())) {
            for (long i = 0; i < count; i++) {
                long session = 1_000_000_000L + i;
                SessionEvent created = SessionEvent.newBuilder().setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(merchantId)
                        .setSequence(1).setOccurredAt(t0.plusMillis(i)).setStatus(SessionStatus.CREATED).setPreviousStatus(null)
                        .setCause(new EventCause("c" + i, "CreateSession", "bench", "")).setPayload(SessionCreated.newBuilder()
                                .setOrderId("F-" + i).setAmountMinor(4995).setCurrency("EUR").setShopDomain("bench.example")
                                .setCustomerEmail("buyer@example.com").setExpiresAt(t0.plusSeconds(900)).setGraceSeconds(1800).build()).build();
                producer.send(new ProducerRecord<>(Topics.PAYMENT_EVENTS.name(), session,
                        PaymentEvents.of(created, SessionFold.evolve(null, created))));
            }
            producer.flush();
        }
    }
}
