package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A card number and every kind of secret, sent through every endpoint of a running Kassa (bodies, query strings,
 * paths, headers, malformed input, bad signatures), then the log file is searched for them: not one hit. The same
 * file must hold this test's requests as JSON access-log lines, so the search is over a log that was written.
 */
class LogHygieneTest {

    private static final String CARD = "4111111111111111";
    private static final String CARD_SPACED = "4111 1111 1111 1111";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void no_card_number_and_no_secret_reaches_the_log() throws Exception {
        String trace = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16));
        String traceparent = "00-" + trace + "-00f067aa0ba902b7-01";
        try (DevEnvironment env = DevEnvironment.start(dataDir, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            String admin = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile()).get("admin_token").asText();
            JsonNode merchant = JSON.readTree(call("POST", url + "/admin/merchants", traceparent, "Bearer " + admin,
                    "{\"email\":\"logs@logs.example\",\"domains\":[\"logs.example\"],\"package\":\"pro\",\"card\":\"" + CARD + "\"}").body());
            String key = merchant.get("api_key").asText();
            String secret = merchant.get("webhook_secret").asText();
            long id = merchant.get("merchant_id").asLong();
            List<String> secrets = List.of(admin, key, secret, "sandbox-secret");

            // A create carrying card data is refused (SPEC.md, Limits) and leaves no trace of it in the log.
            HttpResponse<String> refused = call("POST", url + "/gateway/session.php", traceparent, "Bearer " + key,
                    "{\"domain\":\"logs.example\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"" + CARD
                            + "\",\"customer_email\":\"b@example.com\",\"meta\":{\"card\":\"" + CARD_SPACED + "\",\"secret\":\"" + secret + "\"}}");
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
            JsonNode session = JSON.readTree(call("POST", url + "/gateway/session.php", traceparent, "Bearer " + key,
                    "{\"domain\":\"logs.example\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"LOGS-1"
                            + "\",\"customer_email\":\"b@example.com\",\"meta\":{\"secret\":\"" + secret + "\"}}").body());
            long sessionId = session.get("session_id").asLong();
            List<HttpResponse<String>> answers = new ArrayList<>();
            answers.add(refused);
            answers.add(call("POST", url + "/gateway/session.php", traceparent, "Bearer " + key, "{\"card\":\"" + CARD + "\", not json"));
            answers.add(call("POST", url + "/gateway/session.php", traceparent, "Bearer " + CARD, "{\"amount\":\"" + CARD + "\"}"));
            answers.add(call("GET", url + "/gateway/me.php?card=" + CARD, traceparent, "Bearer " + key, null));
            answers.add(call("GET", url + "/gateway/status.php?session_id=" + CARD, traceparent, "Bearer " + key, null));
            answers.add(call("GET", url + "/gateway/session_status.php?order_id=" + CARD, traceparent, "Bearer " + key, null));
            answers.add(call("GET", url + "/gateway/session_events.php?session_id=" + sessionId + "&card=" + CARD, traceparent, "Bearer " + key, null));
            answers.add(call("POST", url + "/gateway/refund.php", traceparent, "Bearer " + key,
                    "{\"session_id\":" + sessionId + ",\"amount\":\"" + CARD + "\"}"));
            answers.add(call("POST", url + "/gateway/cancel.php", traceparent, "Bearer " + key,
                    "{\"session_id\":" + sessionId + ",\"reason\":\"" + CARD + " " + secret + "\"}"));
            String callback = "{\"event_id\":\"pe-" + CARD + "\",\"session_id\":" + sessionId + ",\"status\":\"completed\","
                    + "\"references\":{\"pan\":\"" + CARD + "\"},\"amount_minor\":1000,\"currency\":\"EUR\"}";
            answers.add(callback(url, traceparent, callback, sign(callback, "sandbox-secret")));
            answers.add(callback(url, traceparent, callback, "t=1,v1=" + CARD + secret));
            answers.add(call("PATCH", url + "/admin/merchants/" + id, traceparent, "Bearer " + admin,
                    "{\"rotate_webhook_secret\":true,\"webhook_url\":\"https://" + CARD + ".example/hook\"}"));
            answers.add(call("GET", url + "/admin/sessions/" + sessionId + "/history?at=" + CARD, traceparent, "Bearer " + admin, null));
            answers.add(call("POST", url + "/admin/webhooks/redeliver", traceparent, "Bearer " + admin, "{\"event_id\":\"" + CARD + "\"}"));
            answers.add(call("POST", url + "/admin/merchants", traceparent, "Bearer " + secret, "{}"));
            answers.add(call("GET", url + "/" + CARD + "/" + secret, traceparent, "Bearer " + key, null));
            answers.add(call("GET", url + "/health", traceparent, null, null));
            answers.add(call("GET", url + "/metrics", traceparent, null, null));
            for (HttpResponse<String> answer : answers) {
                assertThat(answer.statusCode()).as(answer.uri() + ": " + answer.body()).isLessThan(500);
                assertThat(answer.headers().firstValue("X-Trace-Id")).as(answer.uri().toString()).contains(trace);
            }

            Path log = Path.of(System.getProperty("kassa.test.logs", "target/test-logs"), "test.log");
            String text = Files.readString(log, StandardCharsets.UTF_8);
            List<String> ours = text.lines().filter(l -> l.contains(trace)).toList();
            assertThat(ours).as("this test's access-log lines").hasSizeGreaterThanOrEqualTo(answers.size());
            for (String line : ours) {
                JsonNode json = JSON.readTree(line);
                assertThat(json.get("logger").asText()).isEqualTo("kassa.access");
                assertThat(json.get("trace_id").asText()).isEqualTo(trace);
            }
            assertThat(ours).anySatisfy(l -> assertThat(JSON.readTree(l).path("session_id").asText()).isEqualTo(Long.toString(sessionId)));
            List<String> forbidden = new ArrayList<>(List.of(CARD, CARD_SPACED, "4111-1111-1111-1111"));
            forbidden.addAll(secrets);
            List<String> hits = text.lines().filter(l -> forbidden.stream().anyMatch(l::contains))
                    .map(l -> l.length() > 300 ? l.substring(0, 300) + "…" : l).toList();
            assertThat(hits).as("log lines with a card number or a secret").isEmpty();
            System.out.printf("log hygiene: %d requests with a card number and secrets, %d access-log lines, 0 hits in %,d bytes of log%n",
                    answers.size() + 2, ours.size(), text.length());
        }
    }

    private static HttpResponse<String> callback(String url, String traceparent, String body, String signature) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/webhook.php")).header("traceparent", traceparent)
                .header("Content-Type", "application/json").header("X-Provider", "sandbox").header("X-Provider-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body, String secret) throws Exception {
        long t = Instant.now().getEpochSecond();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> call(String method, String url, String traceparent, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("traceparent", traceparent)
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
