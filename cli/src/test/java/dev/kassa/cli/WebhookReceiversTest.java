package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.sun.net.httpserver.HttpServer;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.model.RetrySchedule;
import dev.kassa.relay.app.RelayService;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook catalogue as the receivers merchants actually deploy see it, over a real broker and real HTTP: seed
 * 003's PHP logic (here in Java: {@code hash_hmac} hex and {@code hash_equals}), seed 003's Node/express snippet, the
 * Standard Webhooks library and Svix's verifier (both from npm, run by Node), each an endpoint of one merchant that
 * pays a session and refunds it in part and then in full, cancels one, lets one expire and has one approved from
 * review. Each receiver verifies every webhook and sees exactly the types the catalogue promises for each session, in
 * order, one {@code checkout.session.paid} per payment, and every body validates against the OpenAPI schema of its type.
 *
 * <p>On a broker of its own: the other tests of this module share one and each starts an aggregate that folds every
 * command on it from the start; a one-second session folded again later expires at that later time, and the replay
 * tests then see two expiries of one session (as two aggregate deployments on one cluster would write).
 */
class WebhookReceiversTest {

    private static final String ADMIN = "receivers-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path RECEIVERS = Path.of("src/test/receivers").toAbsolutePath();

    @TempDir
    Path dir;

    /** Seed 003's PHP receiver, line for line in Java: hex HMAC-SHA256 of the raw body, compared as hash_equals does. */
    private static final class SeedPhpReceiver implements AutoCloseable {
        final HttpServer server;
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        volatile String secret;

        SeedPhpReceiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] raw = exchange.getRequestBody().readAllBytes();
                String sig = exchange.getRequestHeaders().getFirst("X-Signature");
                boolean ok = sig != null && MessageDigest.isEqual(hashHmac(raw, secret).getBytes(StandardCharsets.US_ASCII),
                        sig.getBytes(StandardCharsets.US_ASCII));
                (ok ? accepted : refused).add(new String(raw, StandardCharsets.UTF_8));
                byte[] answer = (ok ? "ok" : "invalid signature").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(ok ? 200 : 401, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook.php";
        }

        private static String hashHmac(byte[] raw, String secret) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return HexFormat.of().formatHex(mac.doFinal(raw));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void every_receiver_sees_exactly_the_catalogue_for_a_payment_refunds_a_cancel_an_expiry_and_a_review() throws Exception {
        File node = BrowserScripts.onPath("node");
        String missing = node == null ? "Node.js is not installed"
                : !Files.isDirectory(RECEIVERS.resolve("node_modules/standardwebhooks")) ? "the receivers' npm packages are not installed in " + RECEIVERS
                : null;
        if (missing != null) {
            String reason = "SKIPPED WebhookReceiversTest: " + missing + " (./kassa test runs npm ci there when npm is present)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            run(node, kafka);
        }
    }

    private void run(File node, KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String bootstrap = kafka.bootstrapServers();
        String suffix = Long.toString(System.nanoTime());
        AggregateService.Config a = AggregateService.Config.defaults(bootstrap, dir.resolve("aggregate"));
        RelayService.Config r = RelayService.Config.defaults(bootstrap, dir.resolve("relay"), true);
        Process nodeReceivers = new ProcessBuilder(node.getPath(), RECEIVERS.resolve("receivers.mjs").toString())
                .directory(RECEIVERS.toFile()).redirectErrorStream(true).start();
        try (SeedPhpReceiver php = new SeedPhpReceiver();
             AggregateService aggregate = AggregateService.start(new AggregateService.Config(a.kafka(), "receivers-agg-" + suffix,
                     a.stateDir(), Duration.ofMillis(50), 0, a.settings(), Map.of()));
             RelayService relay = RelayService.start(new RelayService.Config(KafkaAccess.of(bootstrap), "receivers-relay-" + suffix,
                     r.stateDir(), true, Duration.ofSeconds(5), new RelaySettings(Duration.ofMillis(20), 256,
                     new RetrySchedule(Collections.nCopies(10, Duration.ofSeconds(1))), java.time.Clock.systemUTC()), Map.of()));
             GatewayServer gateway = GatewayServer.start(bootstrap, 0, ADMIN, "http://localhost:8080", true)) {
            BufferedReader nodeOut = new BufferedReader(new InputStreamReader(nodeReceivers.getInputStream(), StandardCharsets.UTF_8));
            // Bounded: a receiver that never starts (a missing package, a broken script) fails the test, never hangs it.
            String first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return nodeOut.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).completeOnTimeout(null, 60, TimeUnit.SECONDS).join();
            assertThat(first).as("the receivers' first line").isNotNull().startsWith("listening ");
            String receivers = "http://127.0.0.1:" + first.substring("listening ".length()).trim();
            aggregate.awaitRunning(Duration.ofSeconds(60));
            relay.awaitRunning(Duration.ofSeconds(60));
            String g = gateway.url();

            JsonNode merchant = json(send(g, "POST", "/admin/merchants", "Bearer " + ADMIN, "{\"email\":\"r@receivers.example\","
                    + "\"domains\":[\"receivers.example\"],\"package\":\"pro\",\"webhook_url\":\"" + php.url() + "\"}", null), 201);
            long merchantId = merchant.get("merchant_id").asLong();
            String key = "Bearer " + merchant.get("api_key").asText();
            php.secret = merchant.get("webhook_secret").asText();
            String endpoints = "/admin/merchants/" + merchantId + "/webhook-endpoints";
            json(send(g, "PATCH", endpoints + "/we_" + merchantId, "Bearer " + ADMIN, "{\"event_filter\":[\"*\"]}", null), 200);
            Map<String, String> secrets = new LinkedHashMap<>();
            for (String path : List.of("seed-node", "standard", "svix")) {
                secrets.put(path, json(send(g, "POST", endpoints, "Bearer " + ADMIN, "{\"url\":\"" + receivers + "/" + path
                        + "\",\"event_filter\":[\"*\"],\"description\":\"" + path + "\"}", null), 201).get("secret").asText());
            }
            assertThat(send(receivers, "POST", "/secrets", null, JSON.writeValueAsString(secrets), null).statusCode()).isEqualTo(200);

            // A payment refunded in part and then in full.
            long refunded = create(g, key, "RCV-PAID");
            pay(g, refunded, "paid");
            await().atMost(Duration.ofSeconds(60)).until(() -> status(g, key, refunded).equals("paid"));
            json(send(g, "POST", "/gateway/refund.php", key, "{\"session_id\":" + refunded + ",\"amount\":\"2.50\"}", "rcv-r1"), 200);
            json(send(g, "POST", "/gateway/refund.php", key, "{\"session_id\":" + refunded + "}", "rcv-r2"), 200);
            // A cancel.
            long cancelled = create(g, key, "RCV-CANCEL");
            await().atMost(Duration.ofSeconds(60)).until(() -> send(g, "POST", "/gateway/cancel.php", key,
                    "{\"session_id\":" + cancelled + "}", null).statusCode() == 200);
            // A payment sent to review and approved by the operator.
            long reviewed = create(g, key, "RCV-REVIEW");
            pay(g, reviewed, "review");
            await().atMost(Duration.ofSeconds(60)).until(() -> status(g, key, reviewed).equals("review"));
            json(send(g, "POST", "/admin/sessions/" + reviewed + "/review", "Bearer " + ADMIN, "{\"resolution\":\"approve\"}", null), 200);
            // An expiry: the merchant's ttl set to one second for this session only.
            json(send(g, "PATCH", "/admin/merchants/" + merchantId, "Bearer " + ADMIN, "{\"session_ttl_seconds\":1}", null), 200);
            long expired = create(g, key, "RCV-EXPIRE");
            json(send(g, "PATCH", "/admin/merchants/" + merchantId, "Bearer " + ADMIN, "{\"session_ttl_seconds\":900}", null), 200);

            Map<Long, List<String>> promised = new LinkedHashMap<>();
            promised.put(refunded, List.of("checkout.session.created", "checkout.session.pending", "checkout.session.paid",
                    "refund.succeeded", "refund.succeeded"));
            promised.put(cancelled, List.of("checkout.session.created", "checkout.session.cancelled"));
            promised.put(reviewed, List.of("checkout.session.created", "checkout.session.pending", "checkout.session.review",
                    "checkout.session.paid"));
            promised.put(expired, List.of("checkout.session.created", "checkout.session.expired"));
            int total = promised.values().stream().mapToInt(List::size).sum();

            Map<String, List<JsonNode>> got = new LinkedHashMap<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
                got.clear();
                got.put("seed PHP", distinct(php.accepted));
                JsonNode seen = JSON.readTree(send(receivers, "GET", "/seen", null, null, null).body());
                for (String path : List.of("seed-node", "standard", "svix")) {
                    List<String> raws = new ArrayList<>();
                    seen.at("/seen/" + path).forEach(x -> raws.add(x.get("raw").asText()));
                    got.put(path, distinct(raws));
                }
                return got.values().stream().allMatch(bodies -> bodies.size() >= total);
            });

            JsonNode refusedByNode = JSON.readTree(send(receivers, "GET", "/seen", null, null, null).body()).get("refused");
            assertThat(php.refused).as("refused by seed PHP").isEmpty();
            refusedByNode.fields().forEachRemaining(f -> assertThat(f.getValue()).as("refused by " + f.getKey()).isEmpty());
            JsonNode webhooks = new ObjectMapper(new YAMLFactory()).readTree(send(g, "GET", "/openapi.yml", null, null, null).body()).get("webhooks");
            for (Map.Entry<String, List<JsonNode>> receiver : got.entrySet()) {
                for (Map.Entry<Long, List<String>> session : promised.entrySet()) {
                    assertThat(receiver.getValue().stream().filter(b -> b.path("session_id").asLong() == session.getKey())
                            .map(b -> b.path("type").asText()).toList()).as(receiver.getKey() + ", session " + session.getKey())
                            .containsExactlyElementsOf(session.getValue());
                }
                assertThat(receiver.getValue()).as(receiver.getKey()).hasSize(total);
                for (JsonNode body : receiver.getValue()) {
                    JsonNode schema = webhooks.at("/" + body.path("type").asText() + "/post/requestBody/content/application~1json/schema");
                    assertThat(schema.isMissingNode()).as("the document has the type of %s", body).isFalse();
                    assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema).validate(body))
                            .as("%s", body).isEmpty();
                }
            }
            // Seed 003's Node snippet acts on "status": "paid": the two payments, and the partial refund (whose session
            // is still paid, announced as refund.succeeded) — never a second checkout.session.paid.
            JsonNode seedNode = JSON.readTree(send(receivers, "GET", "/seen", null, null, null).body()).at("/seen/seed-node");
            List<String> actedOn = new ArrayList<>();
            seedNode.forEach(x -> {
                if (x.get("paid").asBoolean()) {
                    actedOn.add(readType(x.get("raw").asText()));
                }
            });
            assertThat(actedOn.stream().filter("checkout.session.paid"::equals).count()).isEqualTo(2);
        } finally {
            nodeReceivers.destroy();
            nodeReceivers.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The bodies in order of arrival, each event id once (what a receiver deduplicating by event_id keeps). */
    private static List<JsonNode> distinct(List<String> raws) throws Exception {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String raw : raws) {
            JsonNode body = JSON.readTree(raw);
            byId.putIfAbsent(body.path("event_id").asText(), body);
        }
        return new ArrayList<>(byId.values());
    }

    private static String readType(String raw) {
        try {
            return JSON.readTree(raw).path("type").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pay(String g, long session, String outcome) throws Exception {
        HttpResponse<String> paid = send(g, "POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\":\"" + outcome + "\"}", null);
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
    }

    private static long create(String g, String key, String order) throws Exception {
        return json(send(g, "POST", "/gateway/session.php", key,
                "{\"domain\":\"receivers.example\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}", null), 200)
                .get("session_id").asLong();
    }

    private static String status(String g, String key, long session) throws Exception {
        return JSON.readTree(send(g, "GET", "/gateway/status.php?session_id=" + session, key, null, null).body()).at("/session/status").asText("");
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String base, String method, String path, String authorization, String body,
                                             String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
