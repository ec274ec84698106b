package dev.kassa.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The kassa image's aggregate and relay, started by Testcontainers on a network with the local Kafka image; the gateway
 * runs in this JVM against the same broker. A merchant's session is paid in the sandbox and the relay's signed webhook
 * reaches a receiver in the relay container's network namespace (the relay may call loopback only with
 * {@code --allow-loopback-webhooks}: a private address is refused in every mode). Ryuk is off (its image cannot be
 * pulled here): every container is stopped by this test.
 */
@ExtendWith(ComposeTest.RequiresDocker.class)
class KassaImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "kassa-image-test-admin-token";

    @Test
    void the_images_aggregate_and_relay_fold_a_paid_session_and_deliver_its_signed_webhook() throws Exception {
        Docker.buildKassaImage();
        try (Network network = Network.newNetwork();
             KafkaContainer kafka = new KafkaContainer(DockerImageName.parse("kassa-kafka:local").asCompatibleSubstituteFor("apache/kafka"))
                     .withNetwork(network).withNetworkAliases("kafka").withListener("kafka:19092")
                     .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false").withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")) {
            kafka.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers()))) {
                new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
            }
            try (GenericContainer<?> aggregate = kassa(network, "aggregate", "--bootstrap", "kafka:19092", "--state-dir", "/var/lib/kassa/aggregate");
                 GenericContainer<?> relay = kassa(network, "relay", "--bootstrap", "kafka:19092", "--state-dir", "/var/lib/kassa/relay",
                         "--allow-loopback-webhooks")) {
                aggregate.start();
                relay.start();
                try (GenericContainer<?> receiver = new GenericContainer<>(DockerImageName.parse("kassa-receiver:local"))
                        .withNetworkMode("container:" + relay.getContainerId())
                        .waitingFor(Wait.forLogMessage(".*receiver listening.*", 1));
                     GatewayServer gateway = GatewayServer.start(kafka.getBootstrapServers(), 0, ADMIN, "http://localhost:8080", true, Map.of())) {
                    receiver.start();
                    paidSessionReachesTheReceiver(gateway.url(), receiver, aggregate, relay);
                }
            }
        }
    }

    private static GenericContainer<?> kassa(Network network, String... command) {
        return new GenericContainer<>(DockerImageName.parse("kassa-app:local")).withNetwork(network).withCommand(command)
                .waitingFor(Wait.forLogMessage(".*kassa " + command[0] + ": .*", 1).withStartupTimeout(Duration.ofMinutes(2)));
    }

    private static void paidSessionReachesTheReceiver(String gateway, GenericContainer<?> receiver, GenericContainer<?> aggregate,
                                                      GenericContainer<?> relay) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode merchant = JSON.readTree(post(http, gateway + "/admin/merchants", "Bearer " + ADMIN,
                "{\"email\":\"shop@yourshop.com\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\",\"webhook_url\":\"http://127.0.0.1:8090/hook\"}"));
        String key = "Bearer " + merchant.get("api_key").asText();
        String secret = merchant.get("webhook_secret").asText();
        long id = JSON.readTree(post(http, gateway + "/gateway/session.php", key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"12.30\",\"currency\":\"EUR\",\"order_id\":\"IMG-1\"}")).get("session_id").asLong();
        try {
            awaitStatus(http, gateway, key, id, "created"); // folded by the aggregate in its container
            post(http, gateway + "/sandbox/sessions/" + id + "/pay", null, "{\"outcome\":\"paid\"}");
            awaitStatus(http, gateway, key, id, "paid");
            Awaitility.await("the paid webhook at the receiver").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> receiver.getLogs().lines().filter(l -> l.startsWith("webhook ")).anyMatch(l -> {
                        JsonNode got = read(l.substring("webhook ".length()));
                        byte[] raw = Base64.getDecoder().decode(got.get("body_base64").asText());
                        JsonNode body = read(new String(raw, java.nio.charset.StandardCharsets.UTF_8));
                        return body.path("session_id").asLong() == id && body.path("type").asText().equals("checkout.session.paid")
                                && WebhookSigner.verifyXSignature(raw, secret, got.at("/headers/x-signature").asText());
                    }));
        } catch (AssertionError | RuntimeException e) {
            System.out.println("aggregate's output:\n" + aggregate.getLogs() + "\nrelay's output:\n" + relay.getLogs()
                    + "\nreceiver's output:\n" + receiver.getLogs());
            throw e;
        }
        assertThat(relay.isRunning()).isTrue();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitStatus(HttpClient http, String gateway, String key, long id, String status) {
        Awaitility.await("session " + id + " " + status).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway + "/gateway/status.php?session_id=" + id))
                        .header("Authorization", key).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/session/status").asText().equals(status));
    }

    private static String post(HttpClient http, String url, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(url + ": " + answer.body()).isBetween(200, 202);
        return answer.body();
    }
}
