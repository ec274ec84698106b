package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.model.RetrySchedule;
import dev.kassa.relay.app.RelayService;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook endpoints through every service on a real broker and real HTTP: two endpoints with different filters each
 * receive exactly their events, each signed with its own secret (checked as seed 003's PHP receiver does: HMAC-SHA256
 * of the raw body, hex, compared in constant time); a third that fails delays neither; every attempt is readable with
 * its code, latency and the answer's first bytes; a ping reaches the endpoint it names; a throttled endpoint gets no
 * more than its deliveries per second.
 */
@ExtendWith(KafkaExtension.class)
class WebhookEndpointsEndToEndTest {

    private static final String ADMIN = "endpoints-e2e-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A receiver that checks each request's signature with the secret it is given, and records what came. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<JsonNode> accepted = new CopyOnWriteArrayList<>();
        final List<Long> arrivals = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        volatile String secret;

        Receiver(int status) throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] raw = exchange.getRequestBody().readAllBytes();
                arrivals.add(System.nanoTime());
                String signature = exchange.getRequestHeaders().getFirst("X-Signature");
                byte[] answer;
                int code = status;
                if (secret == null || signature == null || !WebhookSigner.verifyXSignature(raw, secret, signature)) {
                    refused.add(new String(raw, StandardCharsets.UTF_8));
                    code = 401;
                    answer = "invalid signature".getBytes(StandardCharsets.UTF_8);
                } else {
                    JsonNode body = JSON.readTree(raw);
                    accepted.add(body);
                    answer = ("ok " + body.path("status").asText(body.path("type").asText())).getBytes(StandardCharsets.UTF_8);
                }
                exchange.sendResponseHeaders(code, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<String> types(long session) {
            return accepted.stream().filter(b -> b.path("session_id").asLong() == session).map(b -> b.path("type").asText()).toList();
        }

        List<String> statuses(long session) {
            return accepted.stream().filter(b -> b.path("session_id").asLong() == session).map(b -> b.path("status").asText()).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void endpoints_get_their_events_signed_with_their_own_secret_and_every_attempt_is_readable(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String bootstrap = kafka.bootstrapServers();
        String suffix = Long.toString(System.nanoTime());
        AggregateService.Config a = AggregateService.Config.defaults(bootstrap, dir.resolve("aggregate"));
        RelayService.Config r = RelayService.Config.defaults(bootstrap, dir.resolve("relay"), true);
        try (Receiver paidOnly = new Receiver(200); Receiver everything = new Receiver(200); Receiver failing = new Receiver(503);
             Receiver throttled = new Receiver(200);
             AggregateService aggregate = AggregateService.start(new AggregateService.Config(a.kafka(), "endpoints-agg-" + suffix,
                     a.stateDir(), Duration.ofMillis(50), 0, a.settings(), Map.of()));
             RelayService relay = RelayService.start(new RelayService.Config(KafkaAccess.of(bootstrap), "endpoints-relay-" + suffix,
                     r.stateDir(), true, Duration.ofSeconds(5), new RelaySettings(Duration.ofMillis(20), 256,
                     new RetrySchedule(Collections.nCopies(10, Duration.ofSeconds(1))), java.time.Clock.systemUTC()), Map.of()));
             GatewayServer gateway = GatewayServer.start(bootstrap, 0, ADMIN, "http://localhost:8080", true)) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            relay.awaitRunning(Duration.ofSeconds(60));
            String g = gateway.url();

            JsonNode merchant = json(send(g, "POST", "/admin/merchants", "Bearer " + ADMIN, "{\"email\":\"e@endpoints.example\","
                    + "\"domains\":[\"endpoints.example\"],\"package\":\"pro\",\"webhook_url\":\"" + paidOnly.url() + "\"}"), 201);
            long merchantId = merchant.get("merchant_id").asLong();
            String key = merchant.get("api_key").asText();
            paidOnly.secret = merchant.get("webhook_secret").asText();
            String endpoints = "/admin/merchants/" + merchantId + "/webhook-endpoints";
            String first = "we_" + merchantId;
            json(send(g, "PATCH", endpoints + "/" + first, "Bearer " + ADMIN, "{\"event_filter\":[\"paid\"]}"), 200);
            JsonNode second = json(send(g, "POST", endpoints, "Bearer " + ADMIN,
                    "{\"url\":\"" + everything.url() + "\",\"event_filter\":[\"*\"],\"description\":\"ledger\"}"), 201);
            everything.secret = second.get("secret").asText();
            assertThat(everything.secret).startsWith("whsec_").isNotEqualTo(paidOnly.secret);
            JsonNode third = json(send(g, "POST", endpoints, "Bearer " + ADMIN, "{\"url\":\"" + failing.url() + "\"}"), 201);
            failing.secret = third.get("secret").asText();

            JsonNode listed = json(send(g, "GET", endpoints, "Bearer " + ADMIN, null), 200);
            assertThat(listed.get("endpoints")).hasSize(3);
            assertThat(listed.toString()).doesNotContain(paidOnly.secret).doesNotContain(everything.secret).doesNotContain("secret\"");

            long session = createAndPay(g, key, "E2E-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> everything.statuses(session).contains("paid")
                    && paidOnly.statuses(session).contains("paid"));
            assertThat(paidOnly.statuses(session)).containsExactly("paid");
            assertThat(everything.statuses(session)).containsExactly("created", "pending", "paid");
            assertThat(paidOnly.refused).isEmpty();
            assertThat(everything.refused).isEmpty();
            // The failing endpoint is retrying its first webhook meanwhile; it held up nobody.
            assertThat(failing.accepted).allSatisfy(b -> assertThat(b.path("status").asText()).isEqualTo("created"));

            // Refunds are refunds: a partial and then the rest, each announced once as refund.succeeded with its refund;
            // the paid-only endpoint (a seed receiver that ships on paid) hears nothing more, and nobody hears "paid" again.
            JsonNode partial = json(send(g, "POST", "/gateway/refund.php", "Bearer " + key, "{\"session_id\":" + session + ",\"amount\":\"2.50\"}",
                    "rf-partial"), 200);
            json(send(g, "POST", "/gateway/refund.php", "Bearer " + key, "{\"session_id\":" + session + "}", "rf-rest"), 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> everything.types(session).size() >= 5);
            assertThat(everything.types(session)).containsExactly("checkout.session.created", "checkout.session.pending",
                    "checkout.session.paid", "refund.succeeded", "refund.succeeded");
            List<JsonNode> refunds = everything.accepted.stream().filter(b -> b.path("type").asText().startsWith("refund.")).toList();
            assertThat(refunds.get(0).at("/refund/amount").asText()).isEqualTo("2.50");
            // The refund is named in its webhook as refund.php named it: the merchant's Idempotency-Key.
            assertThat(refunds.get(0).at("/refund/refund_id").asText()).isEqualTo("rf-partial").isEqualTo(partial.path("refund_id").asText());
            assertThat(refunds.get(1).at("/refund/refund_id").asText()).isEqualTo("rf-rest");
            assertThat(refunds.get(0).path("status").asText()).isEqualTo("paid");
            assertThat(refunds.get(1).at("/refund/amount").asText()).isEqualTo("10.00");
            assertThat(refunds.get(1).path("status").asText()).isEqualTo("refunded");
            assertThat(refunds.get(1).path("refunded_amount").asText()).isEqualTo("12.50");
            // Every body validates against the schema the OpenAPI document publishes for its type (3.1 webhooks).
            JsonNode webhooks = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(g + "/openapi.yml")).build(),
                            HttpResponse.BodyHandlers.ofString()).body()).get("webhooks");
            for (JsonNode body : everything.accepted) {
                JsonNode schema = webhooks.at("/" + body.path("type").asText().replace("/", "~1") + "/post/requestBody/content/application~1json/schema");
                assertThat(schema.isMissingNode()).as("the document has the type of %s", body).isFalse();
                assertThat(com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012)
                        .getSchema(schema).validate(body)).as("%s", body).isEmpty();
            }
            assertThat(paidOnly.types(session)).containsExactly("checkout.session.paid");

            // A rotation a seed receiver survives: while the old secret overlaps, X-Signature keeps being made with it, so
            // the deployed receiver (seed 003's check, still holding the old secret) accepts every webhook at once; once
            // the merchant ends the overlap and deploys the new secret, the new one signs.
            String ledger = second.get("endpoint_id").asText();
            String rotatedSecret = json(send(g, "PATCH", endpoints + "/" + ledger, "Bearer " + ADMIN, "{\"rotate_secret\":true}"), 200)
                    .get("secret").asText();
            long during = create(g, key, "ROTATE-DURING");
            await().atMost(Duration.ofSeconds(60)).until(() -> everything.types(during).contains("checkout.session.created"));
            assertThat(everything.refused).as("refused while the old secret overlaps").isEmpty();
            json(send(g, "PATCH", endpoints + "/" + ledger, "Bearer " + ADMIN, "{\"end_secret_overlap\":true}"), 200);
            everything.secret = rotatedSecret;
            long after = create(g, key, "ROTATE-AFTER");
            await().atMost(Duration.ofSeconds(60)).until(() -> everything.types(after).contains("checkout.session.created"));

            // Every attempt, readable by the merchant with its key.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode attempts = json(send(g, "GET", "/gateway/webhook_attempts.php?session_id=" + session, "Bearer " + key, null), 200);
                List<JsonNode> all = new ArrayList<>();
                attempts.get("attempts").forEach(all::add);
                assertThat(all).anySatisfy(x -> {
                    assertThat(x.get("endpoint_id").asText()).isEqualTo(second.get("endpoint_id").asText());
                    assertThat(x.get("status_code").asInt()).isEqualTo(200);
                    assertThat(x.get("latency_ms").isNumber()).isTrue();
                    assertThat(x.get("response_excerpt").asText()).isEqualTo("ok paid");
                });
                assertThat(all).anySatisfy(x -> {
                    assertThat(x.get("endpoint_id").asText()).isEqualTo(third.get("endpoint_id").asText());
                    assertThat(x.get("status_code").asInt()).isEqualTo(503);
                    assertThat(x.get("outcome").asText()).isEqualTo("retry_scheduled");
                });
            });
            // Another merchant's key sees nothing of it.
            JsonNode other = json(send(g, "POST", "/admin/merchants", "Bearer " + ADMIN,
                    "{\"email\":\"o@endpoints.example\",\"domains\":[\"other.example\"],\"package\":\"pro\"}"), 201);
            assertThat(send(g, "GET", "/gateway/webhook_attempts.php?session_id=" + session, "Bearer " + other.get("api_key").asText(), null)
                    .statusCode()).isEqualTo(404);

            // A ping reaches the endpoint it names, signed with that endpoint's secret, whatever its filter.
            json(send(g, "POST", endpoints + "/" + first + "/test", "Bearer " + ADMIN, "{}"), 202);
            await().atMost(Duration.ofSeconds(30)).until(() -> paidOnly.accepted.stream().anyMatch(b -> b.path("type").asText().equals("ping")));
            JsonNode perEndpoint = json(send(g, "GET", endpoints + "/" + first + "/attempts", "Bearer " + ADMIN, null), 200);
            assertThat(perEndpoint.get("attempts").toString()).contains("ok ping").contains("ok paid");

            // A throttled endpoint: at most its deliveries per second (one relay instance), within 10 %, after the one
            // second's worth an idle limiter may have stored (Guava's RateLimiter; documented): whatever the pace at which
            // this machine's aggregate hands the webhooks over, never faster than that.
            JsonNode slow = json(send(g, "POST", endpoints, "Bearer " + ADMIN,
                    "{\"url\":\"" + throttled.url() + "\",\"event_filter\":[\"created\"],\"max_per_second\":5}"), 201);
            throttled.secret = slow.get("secret").asText();
            for (int i = 0; i < 15; i++) {
                create(g, key, "THROTTLE-" + i);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> throttled.accepted.size() >= 15);
            List<Long> at = throttled.arrivals;
            double seconds = (at.get(at.size() - 1) - at.get(0)) / 1e9;
            double perSecond = (at.size() - 1) / seconds;
            System.out.printf("throttle: %d deliveries in %.2f s = %.2f/s at max_per_second 5%n", at.size(), seconds, perSecond);
            assertThat(at.size() - 1.0).as("deliveries after the first, against 5/s for %.2f s plus one stored second", seconds)
                    .isLessThanOrEqualTo(5 * 1.1 * seconds + 5);
        }
    }

    private static long createAndPay(String g, String key, String order) throws Exception {
        long session = create(g, key, order);
        HttpResponse<String> paid = send(g, "POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\":\"paid\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
        return session;
    }

    private static long create(String g, String key, String order) throws Exception {
        return json(send(g, "POST", "/gateway/session.php", "Bearer " + key,
                "{\"domain\":\"endpoints.example\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}"), 200)
                .get("session_id").asLong();
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String base, String method, String path, String authorization, String body) throws Exception {
        return send(base, method, path, authorization, body, null);
    }

    private static HttpResponse<String> send(String base, String method, String path, String authorization, String body,
                                             String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
