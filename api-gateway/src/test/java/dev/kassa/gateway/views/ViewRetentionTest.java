package dev.kassa.gateway.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention of the views over a real broker: a gateway whose views keep terminal sessions 2 seconds. A cancelled
 * session leaves the merchant's status, log and list; an open one stays; the operator's history still reads the
 * cancelled one from the event log.
 */
@ExtendWith(KafkaExtension.class)
class ViewRetentionTest {

    private static final String ADMIN = "view-retention-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_terminal_session_leaves_the_views_after_the_retention_and_the_log_keeps_it(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("retention-agg"));
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), "retention-agg-" + System.nanoTime(),
                d.stateDir(), d.commitInterval(), 0, d.settings(), Map.of()));
             GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true,
                     Map.of("kassa.gateway.views-application-id", "retention-views-" + System.nanoTime(),
                             "kassa.gateway.view-retention", "2s"))) {
            assertThat(aggregate.awaitRunning(Duration.ofSeconds(60))).isTrue();
            assertThat(gateway.awaitReady(Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> merchant = send(gateway, "POST", "/admin/merchants", "Bearer " + ADMIN,
                    "{\"email\":\"retention@example.com\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\"}");
            assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
            String key = "Bearer " + JSON.readTree(merchant.body()).get("api_key").asText();
            long cancelled = create(gateway, key, "RET-CANCELLED");
            long open = create(gateway, key, "RET-OPEN");
            HttpResponse<String> cancel = send(gateway, "POST", "/gateway/cancel.php", key, "{\"session_id\":" + cancelled + "}");
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> status = send(gateway, "GET", "/gateway/status.php?session_id=" + cancelled, key, null);
                assertThat(status.statusCode()).as("retired from the views: " + status.body()).isEqualTo(404);
            });
            assertThat(send(gateway, "GET", "/gateway/session_events.php?session_id=" + cancelled, key, null).statusCode()).isEqualTo(404);
            assertThat(send(gateway, "GET", "/gateway/session_status.php?order_id=RET-CANCELLED", key, null).statusCode()).isEqualTo(404);
            JsonNode list = JSON.readTree(send(gateway, "GET", "/gateway/sessions.php?limit=100", key, null).body());
            assertThat(list.get("sessions").findValuesAsText("order_id")).containsExactly("RET-OPEN");

            HttpResponse<String> stillOpen = send(gateway, "GET", "/gateway/status.php?session_id=" + open, key, null);
            assertThat(stillOpen.statusCode()).as("an open session never retires").isEqualTo(200);
            HttpResponse<String> history = send(gateway, "GET", "/admin/sessions/" + cancelled + "/history", "Bearer " + ADMIN, null);
            assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
            assertThat(history.body()).as("the event log keeps it").contains("cancelled");
        }
    }

    private static long create(GatewayServer gateway, String key, String order) throws Exception {
        HttpResponse<String> created = send(gateway, "POST", "/gateway/session.php", key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"3.00\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("session_id").asLong();
    }

    private static HttpResponse<String> send(GatewayServer gateway, String method, String path, String authorization, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
