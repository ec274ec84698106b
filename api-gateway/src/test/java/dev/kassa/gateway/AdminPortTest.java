package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.localkafka.FreePorts;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With an admin port, the operator API and /metrics answer there only, and the public port answers neither; /health
 * has its details on the admin port only.
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

    private static String body(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
