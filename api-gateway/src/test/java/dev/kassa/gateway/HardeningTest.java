package dev.kassa.gateway;

import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.RateLimiter;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.aggregate.app.AggregateService;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bounded abuse over real HTTP with the real aggregate (SPEC.md, Limits): field limits answered with the field's
 * code, card numbers refused, security headers on every answer, no waiting on a guessed session id, limits per
 * merchant (its own rate) and per client address on the public routes, with Retry-After.
 */
@ExtendWith(KafkaExtension.class)
class HardeningTest {

    private static final String ADMIN = "hardening-admin";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static AggregateService aggregate;
    private static GatewayServer gateway;
    private static String key;
    private static String merchantId;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("hard-agg"));
        aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), "hardening-" + System.nanoTime(),
                d.stateDir(), d.commitInterval(), 0, d.settings(), Map.of()));
        aggregate.awaitRunning(Duration.ofSeconds(60));
        // A wait for unknown sessions far longer than the client's timeout: a read that waited on a guess would fail.
        gateway = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true,
                Map.of("kassa.gateway.session-wait", "60s", "kassa.gateway.client-rate-per-second", 5, "kassa.gateway.client-rate-burst", 10,
                        "kassa.gateway.trust-forwarded-for", true));
        HttpResponse<String> created = send("POST", "/admin/merchants", "Bearer " + ADMIN, "10.0.0.1",
                "{\"email\":\"h@example.com\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        key = Json.MAPPER.readTree(created.body()).get("api_key").asText();
        merchantId = Json.MAPPER.readTree(created.body()).get("merchant_id").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        aggregate.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            60,000-digit amount        | "amount":"%s"                                  | AMOUNT    | invalid_amount
            16 integer digits          | "amount":"1234567890123456"                    |           | invalid_amount
            order id of 256            | "order_id":"%s"                                | ORDER     | invalid_order_id
            card number as order id    | "order_id":"4242 4242 4242 4242"               |           | invalid_order_id
            e-mail of 255              | "customer_email":"%s@example.com"              | EMAIL     | invalid_email
            card in the e-mail         | "customer_email":"4242424242424242@example.com"|           | invalid_email
            return url of 2,049        | "return_url":"https://yourshop.com/%s"         | URL       | invalid_return_url
            meta of 51 keys            | "meta":%s                                      | META_KEYS | invalid_meta
            meta over 8 KB             | "meta":{"note":"%s"}                           | META_SIZE | invalid_meta
            a card number in meta      | "meta":{"card":"4000 0000 0000 0002"}          |           | invalid_meta
            a long routing hint        | "method":"%s"                                  | ORDER     | invalid_routing_hint
            description of 501         | "description":"%s"                             | DESC      | invalid_description
            101 line items             | "line_items":%s                                | LINES     | invalid_line_items
            a quantity of 0            | "line_items":[{"name":"Tea","quantity":0,"unit_amount":"1.00"}] |  | invalid_line_items
            a quantity of 1,000        | "line_items":[{"name":"Tea","quantity":1000,"unit_amount":"0.01"}] | | invalid_line_items
            items in another currency  | "line_items":[{"name":"Tea","quantity":1,"unit_amount":"1.00","currency":"USD"}] | | invalid_line_items
            items that miss the amount | "line_items":[{"name":"Tea","quantity":2,"unit_amount":"1.00"}] |  | invalid_line_items
            an item name of 201        | "line_items":[{"name":"%s","quantity":1,"unit_amount":"1.00"}] | ITEM | invalid_line_items
            an item without a name     | "line_items":[{"quantity":1,"unit_amount":"1.00"}] |             | invalid_line_items
            line items not a list      | "line_items":{"name":"Tea"}                    |           | invalid_line_items
            collect with a word        | "collect":{"name":"yes"}                       |           | invalid_collect
            collect of an unknown field| "collect":{"passport":true}                    |           | invalid_collect
            four custom fields         | "custom_fields":[{"key":"a","label":"A","type":"text"},{"key":"b","label":"B","type":"text"},{"key":"c","label":"C","type":"text"},{"key":"d","label":"D","type":"text"}] | | invalid_custom_fields
            a 10 KB label              | "custom_fields":[{"key":"vat","label":"%s","type":"text"}] | LABEL | invalid_custom_fields
            201 dropdown options       | "custom_fields":[{"key":"size","label":"Size","type":"dropdown","options":%s}] | OPTIONS | invalid_custom_fields
            a dropdown without options | "custom_fields":[{"key":"size","label":"Size","type":"dropdown"}] |  | invalid_custom_fields
            an unknown field type      | "custom_fields":[{"key":"dob","label":"Born","type":"date"}] |       | invalid_custom_fields
            a key twice                | "custom_fields":[{"key":"a","label":"A","type":"text"},{"key":"a","label":"B","type":"text"}] | | invalid_custom_fields
            """)
    void a_field_over_its_limit_gets_its_own_code_and_nothing_is_kept(String name, String field, String filler, String code) throws Exception {
        String value = switch (filler == null ? "" : filler) {
            case "AMOUNT" -> "9".repeat(60_000);
            case "ORDER" -> "o".repeat(256);
            case "EMAIL" -> "e".repeat(243);
            case "URL" -> "p".repeat(2049 - "https://yourshop.com/".length());
            case "META_KEYS" -> {
                StringBuilder meta = new StringBuilder("{");
                for (int i = 0; i < 51; i++) {
                    meta.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
                }
                yield meta.append("}").toString();
            }
            case "META_SIZE" -> "m".repeat(8200);
            case "DESC" -> "d".repeat(501);
            case "LABEL" -> "l".repeat(10 * 1024);
            case "OPTIONS" -> {
                StringBuilder options = new StringBuilder("[");
                for (int i = 0; i < 201; i++) {
                    options.append(i == 0 ? "" : ",").append("{\"label\":\"S").append(i).append("\",\"value\":\"s").append(i).append("\"}");
                }
                yield options.append("]").toString();
            }
            case "ITEM" -> "i".repeat(201);
            case "LINES" -> {
                StringBuilder lines = new StringBuilder("[");
                for (int i = 0; i < 101; i++) {
                    lines.append(i == 0 ? "" : ",").append("{\"name\":\"l").append(i).append("\",\"quantity\":1,\"unit_amount\":\"0.01\"}");
                }
                yield lines.append("]").toString();
            }
            default -> "";
        };
        String body = "{\"domain\":\"yourshop.com\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"order_id\":\"H-" + name.hashCode() + "\","
                + field.formatted(value) + "}";
        HttpResponse<String> answer = send("POST", "/gateway/session.php", "Bearer " + key, "10.0.1." + Math.abs(name.hashCode() % 200), body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(answer.body()).get("error").asText()).isEqualTo(code);
        assertThat(answer.body()).doesNotContain("4242").doesNotContain("9999999999");
    }

    @Test
    void every_answer_carries_the_security_headers_and_hsts_only_over_tls() throws Exception {
        for (String path : new String[] {"/health", "/gateway/status.php?session_id=1", "/openapi.yml", "/pay.php?session=1"}) {
            HttpResponse<String> answer = send("GET", path, "Bearer " + key, "10.0.2.1", null);
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(path).contains("nosniff");
            assertThat(answer.headers().firstValue("Cache-Control")).as(path).contains("no-store");
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(path).contains("DENY");
            assertThat(answer.headers().firstValue("Strict-Transport-Security")).as(path).isEmpty();
        }
        HttpResponse<String> tls = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/health"))
                .header("X-Forwarded-Proto", "https").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tls.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000; includeSubDomains");
    }

    @Test
    void a_guessed_session_id_is_answered_at_once_and_one_created_here_is_waited_for() throws Exception {
        // The gateway waits up to 60 s for a session it created and has not seen yet; the client gives up after 10 s.
        HttpResponse<String> guess = send("GET", "/gateway/status.php?session_id=" + 7_000_000_123L, "Bearer " + key, "10.0.3.1", null);
        assertThat(guess.statusCode()).isEqualTo(404);
        HttpResponse<String> page = send("GET", "/pay.php?session=" + 7_000_000_124L, null, "10.0.3.2", null);
        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Checkout not found");

        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + key, "10.0.3.3",
                "{\"domain\":\"yourshop.com\",\"amount\":\"5.00\",\"currency\":\"EUR\",\"order_id\":\"H-WAIT\"}");
        long id = Json.MAPPER.readTree(created.body()).get("session_id").asLong();
        HttpResponse<String> status = send("GET", "/gateway/status.php?session_id=" + id, "Bearer " + key, "10.0.3.3", null);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    }

    @Test
    void the_public_routes_are_limited_per_client_address_with_retry_after() throws Exception {
        // 5/s, bursts of 10: refused well before 40 requests, however slowly this machine sends them (40 unrefused would
        // take over 6 s).
        HttpResponse<String> refused = untilRefused(() -> send("GET", "/pay.php?session=1", null, "10.0.4.1", null), 40);
        assertThat(Json.MAPPER.readTree(refused.body()).get("error").asText()).isEqualTo("rate_limited");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(send("GET", "/pay.php?session=1", null, "10.0.4.2", null).statusCode()).as("another address").isEqualTo(404);
    }

    @Test
    void a_merchant_gets_the_rate_the_operator_set_and_unknown_keys_cost_bounded_memory() throws Exception {
        HttpResponse<String> patched = send("PATCH", "/admin/merchants/" + merchantId, "Bearer " + ADMIN, "10.0.5.1",
                "{\"rate_limit_per_second\": 1}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        int[] address = {10};
        // 1/s, bursts of 2, from a new address each time: the merchant's own limit, refused within 10 requests.
        HttpResponse<String> refused = untilRefused(() -> send("GET", "/gateway/me.php", "Bearer " + key, "10.0.5." + address[0]++, null), 10);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(send("PATCH", "/admin/merchants/" + merchantId, "Bearer " + ADMIN, "10.0.5.2", "{\"rate_limit_per_second\": 0}")
                .statusCode()).isEqualTo(400);
        assertThat(send("PATCH", "/admin/merchants/" + merchantId, "Bearer " + ADMIN, "10.0.5.3", "{\"rate_limit_per_second\": null}")
                .statusCode()).isEqualTo(200);

        RateLimiter limiter = new RateLimiter(1, 1, 1_000);
        for (int i = 0; i < 20_000; i++) {
            limiter.acquire("kassa_bogus_" + i, i);
        }
        assertThat(limiter.size()).as("20,000 random keys kept in at most 1,000 buckets").isLessThanOrEqualTo(1_000);
    }

    @Test
    void a_rotated_key_overlaps_for_the_time_the_operator_gives_and_a_revoked_one_stops_at_once() throws Exception {
        HttpResponse<String> created = send("POST", "/admin/merchants", "Bearer " + ADMIN, "10.0.6.1",
                "{\"email\":\"rot@example.com\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\"}");
        String first = Json.MAPPER.readTree(created.body()).get("api_key").asText();
        String id = Json.MAPPER.readTree(created.body()).get("merchant_id").asText();

        HttpResponse<String> rotated = send("POST", "/admin/merchants/" + id + "/api-keys", "Bearer " + ADMIN, "10.0.6.2",
                "{\"previous_key_expires_in_seconds\": 600}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String second = Json.MAPPER.readTree(rotated.body()).get("api_key").asText();
        assertThat(second).startsWith("kassa_").isNotEqualTo(first);
        assertThat(me(second)).isEqualTo(200);
        assertThat(me(first)).as("the previous key, within its overlap").isEqualTo(200);

        // A second rotation with a short overlap: the key two rotations old stops at once, the previous one at its time.
        HttpResponse<String> again = send("POST", "/admin/merchants/" + id + "/api-keys", "Bearer " + ADMIN, "10.0.6.6",
                "{\"previous_key_expires_in_seconds\": 1}");
        String third = Json.MAPPER.readTree(again.body()).get("api_key").asText();
        assertThat(me(first)).as("only the current and the previous key work").isEqualTo(401);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> me(second) == 401);
        assertThat(me(third)).isEqualTo(200);

        HttpResponse<String> revoked = send("POST", "/admin/merchants/" + id + "/api-keys", "Bearer " + ADMIN, "10.0.6.3",
                "{\"previous_key_expires_in_seconds\": 0}");
        String fourth = Json.MAPPER.readTree(revoked.body()).get("api_key").asText();
        assertThat(Json.MAPPER.readTree(revoked.body()).get("previous_key_expires_at").isNull()).isTrue();
        assertThat(me(third)).as("revoked at once").isEqualTo(401);
        assertThat(me(fourth)).isEqualTo(200);
        assertThat(send("POST", "/admin/merchants/" + id + "/api-keys", "Bearer " + ADMIN, "10.0.6.4",
                "{\"previous_key_expires_in_seconds\": -1}").statusCode()).isEqualTo(400);
        assertThat(send("POST", "/admin/merchants/" + id + "/api-keys", null, "10.0.6.5", "{}").statusCode()).isEqualTo(401);
    }

    /** Sends until one answer is 429, at most {@code atMost} times; that answer. */
    private static HttpResponse<String> untilRefused(Request request, int atMost) throws Exception {
        for (int i = 0; i < atMost; i++) {
            HttpResponse<String> answer = request.send();
            if (answer.statusCode() == 429) {
                return answer;
            }
        }
        throw new AssertionError("no 429 in " + atMost + " requests");
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    private static int me(String apiKey) throws Exception {
        // A fresh address each time: the per-address limit for unknown keys is not what is tested here.
        return send("GET", "/gateway/me.php", "Bearer " + apiKey, "10.0.7." + (int) (Math.random() * 250), null).statusCode();
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String client, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(10))
                .header("X-Forwarded-For", client)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
