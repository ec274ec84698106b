package dev.kassa.gateway;

import dev.kassa.gateway.shared.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.FreePorts;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With an admin port, the operator API and /metrics answer there only, and the public port answers neither; /health
 * has its details on the admin port only; the sandbox provider's callbacks still reach the public routes.
 */
@ExtendWith(KafkaExtension.class)
class AdminPortTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void the_operator_api_and_metrics_answer_only_on_the_admin_port(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        int adminPort = FreePorts.pick();
        try (GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "admin-port-token", "http://localhost", true,
                Map.of("kassa.gateway.admin-port", adminPort))) {
            String pub = gateway.url();
            String ops = "http://localhost:" + adminPort;
            assertThat(get(pub + "/admin/sessions/1/history")).isEqualTo(404);
            assertThat(get(pub + "/admin/merchants/1")).isEqualTo(404);
            assertThat(get(pub + "/metrics")).isEqualTo(404);
            assertThat(get(pub + "/metrics/")).as("a trailing slash passes nothing").isEqualTo(404);
            assertThat(get(pub + "/health")).isIn(200, 503);
            assertThat(get(pub + "/openapi.yml")).isEqualTo(200);

            assertThat(get(ops + "/metrics")).isEqualTo(200);
            assertThat(get(ops + "/admin/sessions/1/history")).as("there, and asks for the token").isEqualTo(401);
            assertThat(get(ops + "/health")).isIn(200, 503);
            // /health: the whole story on the admin port, up-or-not only on the public one (no brokers, no partitions).
            assertThat(body(ops + "/health")).contains("\"checks\"").contains("broker").contains("owns session partitions");
            assertThat(body(pub + "/health")).matches("\\{\"ok\":(true|false)\\}");
            assertThat(get(ops + "/gateway/me.php")).as("the merchant API is not on the admin port").isEqualTo(404);
            assertThat(get(ops + "/pay.php?session=1")).isEqualTo(404);
        }
    }

    @Test
    void the_sandbox_providers_callbacks_reach_the_public_port_not_the_admin_one(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config defaults = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("admin-port-agg"));
        int adminPort = FreePorts.pick();
        String token = "admin-port-token";
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(defaults.kafka(), "admin-port-" + System.nanoTime(),
                     defaults.stateDir(), defaults.commitInterval(), 0, defaults.settings(), Map.of()));
             GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, token, "http://localhost", true,
                     Map.of("kassa.gateway.admin-port", adminPort))) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            String ops = "http://localhost:" + adminPort;
            JsonNode merchant = Json.MAPPER.readTree(send(ops + "/admin/merchants", "Bearer " + token,
                    "{\"email\":\"a@shop.example\",\"domains\":[\"shop.example\"],\"package\":\"pro\"}"));
            String key = "Bearer " + merchant.get("api_key").asText();
            long id = Json.MAPPER.readTree(send(gateway.url() + "/gateway/session.php", key,
                    "{\"domain\":\"shop.example\",\"amount\":\"5.00\",\"currency\":\"EUR\",\"order_id\":\"AP-1\"}")).get("session_id").asLong();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Json.MAPPER.readTree(
                    body(gateway.url() + "/gateway/status.php?session_id=" + id, key)).at("/session/status").asText().equals("created"));
            send(gateway.url() + "/sandbox/sessions/" + id + "/pay", null, "{\"outcome\":\"paid\"}");
            // Before the fix the sandbox posted to the admin port, which answered 404: the session stayed pending.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Json.MAPPER.readTree(
                    body(gateway.url() + "/gateway/status.php?session_id=" + id, key)).at("/session/status").asText().equals("paid"));
        }
    }

    private static String send(String url, String authorization, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isBetween(200, 202);
        return answer.body();
    }

    private static String body(String url, String authorization) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String body(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
