package dev.kassa.gateway.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway instances share the session views (one Kafka Streams application): each owns some partitions, and a
 * read of any session, order or log through either answers the same, forwarded to the owner when it is the other.
 * One leaves: the other answers for everything after taking its partitions over. A new one joins: it serves after
 * restoring. Real broker, real aggregate, real HTTP.
 */
@ExtendWith(KafkaExtension.class)
class SessionViewsClusterTest {

    private static final String ADMIN = "views-cluster-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void two_instances_answer_for_every_session_and_one_survives_the_other_leaving(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String views = "views-cluster-test-" + System.nanoTime();
        AggregateService.Config defaults = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("views-agg"));
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(defaults.kafka(), "views-cluster-agg-" + System.nanoTime(),
                defaults.stateDir(), defaults.commitInterval(), 0, defaults.settings(), Map.of()))) {
            assertThat(aggregate.awaitRunning(Duration.ofSeconds(60))).isTrue();
            GatewayServer a = start(kafka, views);
            GatewayServer b = start(kafka, views);
            try {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(owned(a)).as("a owns some session partitions").isNotEmpty();
                    assertThat(owned(b)).as("b owns some session partitions").isNotEmpty();
                });
                List<Integer> both = new ArrayList<>(owned(a));
                both.addAll(owned(b));
                assertThat(both).as("every partition has one owner").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);

                HttpResponse<String> merchant = send(a, "POST", "/admin/merchants", "Bearer " + ADMIN, """
                        {"email": "views@example.com", "domains": ["yourshop.com"], "package": "pro",
                         "webhook_url": "https://yourshop.com/webhook"}""");
                assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
                String key = "Bearer " + json(merchant).get("api_key").asText();
                await().atMost(Duration.ofSeconds(30)).until(() -> send(b, "GET", "/gateway/status.php?session_id=1", key, null).statusCode() == 404);

                Map<Long, String> orders = new LinkedHashMap<>();
                for (int i = 0; i < 24; i++) {
                    HttpResponse<String> created = send(a, "POST", "/gateway/session.php", key,
                            "{\"domain\":\"yourshop.com\",\"amount\":\"5.00\",\"currency\":\"EUR\",\"order_id\":\"V-" + i + "\"}");
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
                    orders.put(json(created).get("session_id").asLong(), "V-" + i);
                }
                for (GatewayServer reader : List.of(b, a)) {
                    for (Map.Entry<Long, String> order : orders.entrySet()) {
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            HttpResponse<String> status = send(reader, "GET", "/gateway/status.php?session_id=" + order.getKey(), key, null);
                            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
                        });
                        // The order index sits behind a repartition by merchant, and the timeline reads the events topic:
                        // each follows the state by a moment (eventual across views; docs/ARCHITECTURE.md).
                        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                            HttpResponse<String> byOrder = send(reader, "GET", "/gateway/session_status.php?order_id=" + order.getValue(), key, null);
                            assertThat(byOrder.statusCode()).as(byOrder.body()).isEqualTo(200);
                            assertThat(json(byOrder).at("/session/id").asLong()).isEqualTo(order.getKey());
                            HttpResponse<String> log = send(reader, "GET", "/gateway/session_events.php?session_id=" + order.getKey(), key, null);
                            assertThat(log.statusCode()).as(log.body()).isEqualTo(200);
                            assertThat(json(log).get("events").size()).as(log.body()).isPositive();
                        });
                    }
                }

                a.close(); // leaves the group: b takes its partitions over and restores them from the changelogs
                for (long id : orders.keySet()) {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                        HttpResponse<String> status = send(b, "GET", "/gateway/status.php?session_id=" + id, key, null);
                        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
                    });
                }
                assertThat(owned(b)).containsExactly(0, 1, 2, 3, 4, 5);

                GatewayServer c = start(kafka, views); // a fresh instance with an empty state directory
                try {
                    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(owned(c)).isNotEmpty());
                    for (Map.Entry<Long, String> order : orders.entrySet()) {
                        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                            HttpResponse<String> status = send(c, "GET", "/gateway/status.php?session_id=" + order.getKey(), key, null);
                            assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
                            assertThat(json(status).at("/session/order_id").asText()).isEqualTo(order.getValue());
                        });
                    }
                    // A read that races the instance's shutdown (its HTTP server still answering while its views close)
                    // is told to retry: 503 unavailable, not a NullPointerException's 500.
                    SessionViews closing = c.bean(SessionViews.class);
                    closing.close();
                    assertThatThrownBy(() -> closing.local(ViewTopology.SESSIONS, 0)).isInstanceOfSatisfying(ApiError.class,
                            e -> assertThat(e.code()).isEqualTo("unavailable"));
                } finally {
                    c.close();
                }
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static GatewayServer start(KafkaCluster kafka, String viewsApplicationId) {
        return GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true,
                Map.of("kassa.gateway.views-application-id", viewsApplicationId, "kassa.gateway.rate-per-second", "1000",
                        "kassa.gateway.rate-burst", "1000",
                        // The instances of one deployment share this secret: their peer token for forwarded reads comes from it.
                        "kassa.gateway.shared-secret", "views-cluster-shared-secret-0123456789abcdef"));
    }

    /** The session partitions an instance's /health says it owns. */
    private static List<Integer> owned(GatewayServer gateway) throws Exception {
        HttpResponse<String> health = send(gateway, "GET", "/health", null, null);
        JsonNode check = json(health).path("checks").get("views");
        if (check != null) {
            {
                String detail = check.get("detail").asText();
                String list = detail.substring(detail.indexOf('[') + 1, detail.indexOf(']')).trim();
                List<Integer> partitions = new ArrayList<>();
                for (String p : list.isEmpty() ? new String[0] : list.split(",\\s*")) {
                    partitions.add(Integer.parseInt(p));
                }
                return check.get("up").asBoolean() ? partitions : List.of();
            }
        }
        throw new AssertionError("no views check in " + health.body());
    }

    private static HttpResponse<String> send(GatewayServer gateway, String method, String path, String authorization, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }
}
