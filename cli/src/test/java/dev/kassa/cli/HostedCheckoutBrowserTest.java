package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.gateway.stripe.FakeStripe;
import dev.kassa.localkafka.FreePorts;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A buyer in a real browser (Debian's Chromium, driven by playwright-core from npm, JavaScript switched off) against
 * the whole of {@code kassa dev}: pays by card; is declined and pays with PayPal; passes 3-D Secure; abandons and sees
 * the expiry; cancels and lands on the shop's cancel URL with the session id; answers what a session asks (a missing
 * field answered at the field), pays, and the merchant finds the answers on its dashboard and in its CSV. Screenshots of every step land in
 * {@code cli/target/browser-screenshots}. Skips, saying why, only where
 * Chromium or Node.js cannot be installed ({@code ./kassa test} installs them when it can).
 */
class HostedCheckoutBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void a_buyer_pays_is_declined_and_retries_passes_3ds_and_sees_an_expiry() throws Exception {
        File nodeJs = BrowserScripts.nodeOrSkip("HostedCheckoutBrowserTest");
        // The demo merchant's webhook receiver: the paid webhook of the session that asked the buyer carries the payer.
        List<String> webhooks = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            webhooks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        int kafkaPort = FreePorts.pick();
        int livePort = FreePorts.pick();
        try (DevEnvironment env = DevEnvironment.start(dataDir, kafkaPort, FreePorts.pick());
             FakeStripe stripe = new FakeStripe(STRIPE_WEBHOOK_SECRET)) {
            String url = env.gateway().url();
            String admin = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile()).get("admin_token").asText();
            String key = merchant(url, admin, 900);
            String shortKey = merchant(url, admin, 20);
            long card = create(url, key, "B-CARD");
            long decline = create(url, key, "B-DECLINE");
            long threeds = create(url, key, "B-3DS");
            long expiring = create(url, shortKey, "B-ABANDON"); // twenty seconds to live: the script opens it first
            long cancel = create(url, key, "B-CANCEL", ",\"cancel_url\":\"https://shop.browser.example/back?step=cart\"");
            JsonNode credentials = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile());
            String demoKey = credentials.at("/merchant/api_key").asText();
            HttpResponse<String> hooked = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/admin/merchants/" + credentials.at("/merchant/merchant_id").asText()))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"webhook_url\":\"http://127.0.0.1:" + receiver.getAddress().getPort()
                            + "/hook\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(hooked.statusCode()).as(hooked.body()).isEqualTo(200);
            long details = create(url, demoKey, "B-DETAILS", ",\"collect\":{\"name\":true,\"phone\":true,\"billing_address\":true},"
                    + "\"custom_fields\":[{\"key\":\"vat\",\"label\":\"VAT number\",\"type\":\"text\"}]", credentials.at("/merchant/domain").asText());
            // A live-mode gateway on the same cluster, its card payments through (a fake of) Stripe Checkout.
            long stripeSession = create(url, key, "B-STRIPE");
            stripe.serveCheckoutPages(dataDir);
            GatewayServer live = liveGateway(kafkaPort, livePort, admin, stripe);
            Path shots = Path.of("target/browser-screenshots").toAbsolutePath();
            Process node = new ProcessBuilder(nodeJs.getPath(), BrowserScripts.DIR.resolve("checkout.mjs").toString(), url, shots.toString(),
                    "" + card, "" + decline, "" + threeds, "" + expiring, "" + cancel,
                    "" + details, credentials.at("/dashboard/email").asText(), credentials.at("/dashboard/password").asText(),
                    live.url(), "" + stripeSession).redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(4, TimeUnit.MINUTES)).isTrue();
            System.out.print(output);
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output).contains("browser: all flows passed");

            assertThat(status(url, key, card)).isEqualTo("paid");
            assertThat(status(url, key, decline)).isEqualTo("paid");
            assertThat(status(url, key, threeds)).isEqualTo("paid");
            assertThat(status(url, key, cancel)).isEqualTo("cancelled");
            // Paid through Stripe; the merchant refunds part of it, and Stripe's Refunds API is asked with Kassa's refund id.
            assertThat(status(url, key, stripeSession)).isEqualTo("paid");
            HttpResponse<String> refund = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + "/gateway/refund.php"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Idempotency-Key", "rf-B-STRIPE")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": " + stripeSession + ", \"amount\": \"5.00\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refund.statusCode()).as(refund.body()).isEqualTo(200);
            assertThat(JSON.readTree(refund.body()).get("refunded_amount").asText()).isEqualTo("5.00");
            assertThat(stripe.requests).anyMatch(r -> r.startsWith("POST /v1/refunds "));
            live.close();
            JsonNode payer = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/gateway/status.php?session_id=" + details))
                    .header("X-API-Key", demoKey).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/session/payer");
            assertThat(payer.get("name").asText()).isEqualTo("Ngozi Okonkwo");
            assertThat(payer.at("/billing_address/country").asText()).isEqualTo("NG");
            assertThat(payer.at("/custom_fields/vat").asText()).isEqualTo("NG-778812");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(webhooks).as("the paid webhook with its payer")
                    .anySatisfy(body -> {
                        JsonNode hook = JSON.readTree(body);
                        assertThat(hook.get("type").asText()).isEqualTo("checkout.session.paid");
                        assertThat(hook.get("session_id").asLong()).isEqualTo(details);
                        assertThat(hook.at("/payer/name").asText()).isEqualTo("Ngozi Okonkwo");
                        assertThat(hook.at("/payer/custom_fields/vat").asText()).isEqualTo("NG-778812");
                    }));
            await().atMost(Duration.ofSeconds(60)).until(() -> status(url, shortKey, expiring).equals("expired"));
            List<String> files = new ArrayList<>();
            try (var list = Files.list(shots)) {
                list.forEach(p -> files.add(p.getFileName().toString()));
            }
            assertThat(files).contains("card-2-paid.png", "decline-then-paypal-1-declined.png", "decline-then-paypal-3-paid.png",
                    "3ds-1-challenge.png", "abandon-2-expired.png", "cancel-2-shop.png",
                    "details-1-missing-field.png", "details-3-dashboard.png", "stripe-2-stripe.png", "stripe-3-paid.png");
        } finally {
            receiver.stop(0);
        }
    }

    private static final String STRIPE_WEBHOOK_SECRET = "whsec_browser_test";

    /** A gateway outside development mode, Stripe configured against the fake; its own views (another shared secret). */
    private GatewayServer liveGateway(int kafkaPort, int port, String admin, FakeStripe stripe) throws Exception {
        Path key = Files.writeString(dataDir.resolve("stripe.key"), "sk_test_browser\n");
        Path whsec = Files.writeString(dataDir.resolve("stripe.whsec"), STRIPE_WEBHOOK_SECRET + "\n");
        GatewayServer live = GatewayServer.start("localhost:" + kafkaPort, port, admin, "http://127.0.0.1:" + port, false, java.util.Map.of(
                "kassa.gateway.stripe.secret-key-file", key.toString(), "kassa.gateway.stripe.webhook-secret-file", whsec.toString(),
                "kassa.gateway.stripe.api-base", stripe.url(), "kassa.gateway.views-application-id", "kassa-browser-live-views"));
        assertThat(live.awaitReady(Duration.ofSeconds(60))).isTrue();
        stripe.sendEventsTo(live.url() + "/api/providers/stripe/webhook");
        return live;
    }

    private static String merchant(String url, String admin, int ttl) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/admin/merchants"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"b@browser.example\",\"domains\":[\"browser.example\"],"
                        + "\"package\":\"pro\",\"checkout_mode\":\"smart_router\",\"session_ttl_seconds\":" + ttl + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("api_key").asText();
    }

    private static long create(String url, String key, String order) throws Exception {
        return create(url, key, order, "");
    }

    private static long create(String url, String key, String order, String moreFields) throws Exception {
        return create(url, key, order, moreFields, "browser.example");
    }

    private static long create(String url, String key, String order, String moreFields, String domain) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/gateway/session.php"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"" + domain + "\",\"amount\":\"25.00\",\"currency\":\"EUR\","
                        + "\"order_id\":\"" + order + "\"" + moreFields + "}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("session_id").asLong();
    }

    private static String status(String url, String key, long session) throws Exception {
        JsonNode answer = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/gateway/status.php?session_id=" + session))
                .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString()).body());
        return answer.at("/session/status").asText();
    }
}
