package dev.kassa.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.relay.signing.WebhookSigner;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * docker-compose.yml, run for real with its test profile (deploy/compose-test.yml: the images scripts/local-images.sh
 * builds here): three SASL brokers, the credential and topics one-shots, the aggregate, the relay, two gateways, nginx
 * with TLS, Prometheus and a merchant's receiver. A merchant creates a session through the proxy over TLS with seed
 * 003's request, pays it in the sandbox and receives the signed webhook; Prometheus has scraped every service; a broker
 * is killed and creates go on. Compose's logs are printed when it fails; everything is removed with its volumes.
 */
@ExtendWith(ComposeTest.RequiresDocker.class)
class ComposeTest {

    /** Everything but Apicurio Registry and Grafana, which Debian does not package (deploy/compose-test.yml). */
    private static final String[] SERVICES = {"kafka-1", "kafka-2", "kafka-3", "aggregate", "relay", "receiver",
            "gateway-1", "gateway-2", "proxy", "prometheus"};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofMinutes(4);
    private static final long T0 = System.nanoTime();

    /** Each step's time in the output: where the test's minutes go (the suite's budget is 25 minutes in all). */
    private static void step(String what) {
        System.out.printf("ComposeTest %5.1f s: %s%n", (System.nanoTime() - T0) / 1e9, what);
    }

    @Test
    void a_session_is_created_over_tls_paid_and_its_webhook_received_and_a_lost_broker_stops_nothing() throws Exception {
        Docker.buildKassaImage();
        Path dir = Files.createTempDirectory("kassa-compose-test");
        copy(Docker.ROOT.resolve("docker-compose.yml"), dir.resolve("docker-compose.yml"));
        copyTree(Docker.ROOT.resolve("deploy"), dir.resolve("deploy"));
        int https = freePort();
        int admin = freePort();
        String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(32));
        Docker.Compose compose = new Docker.Compose(dir, "kassa-test-" + ProcessHandle.current().pid(), Map.of(
                "KASSA_ADMIN_TOKEN", token, "KASSA_HTTPS_PORT", Integer.toString(https), "KASSA_HTTP_PORT", Integer.toString(freePort()),
                "KASSA_PROMETHEUS_PORT", Integer.toString(freePort()), "KASSA_ADMIN_PORT", Integer.toString(admin),
                "KASSA_PUBLIC_URL", "https://localhost:" + https));
        boolean passed = false;
        try {
            List<String> up = new ArrayList<>(List.of("up", "-d"));
            up.addAll(List.of(SERVICES));
            step("kassa-app:local ready");
            compose.run(START, up.toArray(String[]::new)).orFail("docker-compose up");
            step("docker-compose up -d returned");
            new Scenario(compose, dir, https, admin, token).run();
            passed = true;
        } finally {
            if (!passed) {
                System.out.println("docker-compose logs of the failed run:\n"
                        + compose.run(Duration.ofMinutes(1), "logs", "--no-color", "--tail", "200").output());
                for (String service : List.of("aggregate", "relay", "gateway-1", "gateway-2")) {
                    System.out.println("the last lines of " + service + "'s own log:\n" + compose.run(Duration.ofMinutes(1),
                            "exec", "-T", service, "sh", "-c", "tail -n 40 var/log/*.log").output());
                }
            }
            System.out.println(compose.run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans", "-t", "5").output());
            step("down -v returned");
            // The one-shots wrote credentials and the certificate as root and uid 10001: the engine's user removes them.
            Docker.run(dir, Map.of(), Duration.ofMinutes(1), "rm", "-rf", dir.toString());
        }
    }

    /** The steps, against a started stack. */
    private record Scenario(Docker.Compose compose, Path dir, int https, int admin, String token) {

        void run() throws Exception {
            HttpClient ops = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String opsUrl = "http://127.0.0.1:" + admin;
            Awaitility.await("gateway-1 healthy on its admin port").atMost(START).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions().until(() -> get(ops, opsUrl + "/health", null).statusCode() == 200);
            HttpClient buyer = trustingTheProxysCertificate();
            String pub = "https://localhost:" + https;
            Awaitility.await("the proxy answering over TLS with both gateways up").atMost(START).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions().until(() -> get(buyer, pub + "/health", null).body().equals("{\"ok\":true}"));

            step("both gateways answer through the proxy");
            JsonNode merchant = json(post(ops, opsUrl + "/admin/merchants", "Bearer " + token, null,
                    "{\"email\":\"shop@yourshop.com\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\","
                            + "\"webhook_url\":\"http://127.0.0.1:8090/hook\"}"), 201);
            String key = "Bearer " + merchant.get("api_key").asText();
            String secret = merchant.get("webhook_secret").asText();

            // Seed 003's create, as a merchant's backend sends it, through nginx over TLS.
            JsonNode created = json(post(buyer, pub + "/gateway/session.php", key, null, """
                    {"domain": "https://WWW.YourShop.com:8443/checkout", "merchant_ref": "ORDER_123", "amount": "79.00", "currency": "eur",
                     "return_url": "https://yourshop.com/thank-you", "customer_email": "buyer@example.com", "provider": "card",
                     "meta": {"cart_id": "CART_55"}}"""), 200);
            long id = created.get("session_id").asLong();
            assertThat(created.get("checkout_url").asText()).isEqualTo(pub + "/pay.php?session=" + id);
            awaitStatus(buyer, pub, key, id, "created");
            json(post(buyer, pub + "/sandbox/sessions/" + id + "/pay", null, null, "{\"outcome\":\"paid\"}"), 202);
            awaitStatus(buyer, pub, key, id, "paid");
            JsonNode paid = awaitWebhook(id, "checkout.session.paid", secret);
            step("paid, and its webhook received");
            assertThat(paid.get("amount").asText()).isEqualTo("79.00");
            assertThat(paid.at("/meta/cart_id").asText()).isEqualTo("CART_55");

            // Prometheus scraped every service's /metrics (on the compose network; the proxy answers 404 for it).
            assertThat(get(buyer, pub + "/metrics", null).statusCode()).isEqualTo(404);
            Awaitility.await("Prometheus' view of the relay's attempts").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .ignoreExceptions().until(() -> prometheus(ops, "sum(kassa_webhook_attempts_total)") >= 3
                            && prometheus(ops, "count(up == 1)") == 4);

            step("Prometheus has scraped every service");
            compose.run(Duration.ofMinutes(1), "kill", "kafka-2").orFail("docker-compose kill kafka-2");
            for (int i = 0; i < 5; i++) {
                long next = createRetrying(buyer, pub, key, "AFTER-KILL-" + i);
                awaitStatus(buyer, pub, key, next, "created");
                if (i == 4) {
                    json(post(buyer, pub + "/sandbox/sessions/" + next + "/pay", null, null, "{\"outcome\":\"paid\"}"), 202);
                    awaitWebhook(next, "checkout.session.paid", secret);
                }
            }
            step("five creates and a payment after the broker was killed");
        }

        private double prometheus(HttpClient http, String query) throws Exception {
            String port = compose.env().get("KASSA_PROMETHEUS_PORT");
            JsonNode answer = JSON.readTree(get(http, "http://127.0.0.1:" + port + "/api/v1/query?query="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8), null).body());
            JsonNode result = answer.at("/data/result");
            return result.isEmpty() ? 0 : Double.parseDouble(result.get(0).at("/value/1").asText());
        }

        /** A create the merchant retries with its Idempotency-Key until it is answered 200 (a broker was just lost). */
        private long createRetrying(HttpClient http, String pub, String key, String order) {
            long[] id = new long[1];
            Awaitility.await("create " + order).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> {
                        HttpResponse<String> answer = post(http, pub + "/gateway/session.php", key, order,
                                "{\"domain\":\"yourshop.com\",\"amount\":\"5.00\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}");
                        if (answer.statusCode() != 200) {
                            System.out.println("create " + order + " answered " + answer.statusCode() + " " + answer.body() + "; retried");
                            return false;
                        }
                        id[0] = JSON.readTree(answer.body()).get("session_id").asLong();
                        return true;
                    });
            return id[0];
        }

        private void awaitStatus(HttpClient http, String pub, String key, long id, String status) {
            Awaitility.await("session " + id + " " + status).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> JSON.readTree(get(http, pub + "/gateway/status.php?session_id=" + id, key).body())
                            .at("/session/status").asText().equals(status));
        }

        /** The receiver's webhook of this type for this session, its X-Signature checked as seed 003's receivers do. */
        private JsonNode awaitWebhook(long session, String type, String secret) {
            JsonNode[] found = new JsonNode[1];
            Awaitility.await(type + " of " + session + " at the receiver").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (String line : compose.run(Duration.ofSeconds(30), "logs", "--no-color", "receiver").output().split("\n")) {
                            int at = line.indexOf("webhook {");
                            if (at < 0) {
                                continue;
                            }
                            JsonNode received = JSON.readTree(line.substring(at + "webhook ".length()));
                            byte[] raw = Base64.getDecoder().decode(received.get("body_base64").asText());
                            JsonNode body = JSON.readTree(raw);
                            if (body.path("session_id").asLong() == session && body.path("type").asText().equals(type)) {
                                assertThat(WebhookSigner.verifyXSignature(raw, secret, received.at("/headers/x-signature").asText()))
                                        .as("X-Signature of " + type).isTrue();
                                found[0] = body;
                                return true;
                            }
                        }
                        return false;
                    });
            return found[0];
        }

        private HttpClient trustingTheProxysCertificate() throws Exception {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(dir.resolve("var/tls/kassa.crt"))) {
                trust.setCertificateEntry("kassa", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, factory.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String authorization, String idempotencyKey, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> answer, int status) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return JSON.readTree(answer.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static final class RequiresDocker implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            Optional<String> reason = Docker.unavailableReason();
            if (reason.isEmpty()) {
                return ConditionEvaluationResult.enabled("a Docker engine answers and the local images are built");
            }
            String message = "docker-compose not run: " + reason.get() + " (the suite's other tests ran the same services in-process)";
            System.out.println("SKIPPED " + context.getDisplayName() + ": " + message);
            return ConditionEvaluationResult.disabled(message);
        }
    }
}
