package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
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
 * Seed 003's no-code path against {@code kassa dev}, in Chromium with JavaScript off: a payment link made in the dashboard,
 * opened and paid by a buyer with a test card, seen paid in the dashboard with the link named (and its webhook carrying
 * {@code payment_link}); the used-up link says so; a product page bought the same way; a mistyped payout wallet refused.
 * Screenshots in {@code cli/target/browser-screenshots/offers-*.png}.
 */
class OffersBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void a_link_and_a_product_are_made_in_the_dashboard_and_paid_by_a_buyer() throws Exception {
        File nodeJs = BrowserScripts.nodeOrSkip("OffersBrowserTest");
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (DevEnvironment env = DevEnvironment.start(dataDir, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            JsonNode credentials = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile());
            String admin = credentials.get("admin_token").asText();
            String key = credentials.at("/merchant/api_key").asText();
            long merchantId = credentials.at("/merchant/merchant_id").asLong();
            patch(url, "/admin/merchants/" + merchantId, admin,
                    "{\"webhook_url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook\"}");

            Path shots = Path.of("target/browser-screenshots").toAbsolutePath();
            Process node = new ProcessBuilder(nodeJs.getPath(), BrowserScripts.DIR.resolve("offers.mjs").toString(), url, shots.toString(),
                    credentials.at("/dashboard/email").asText(), credentials.at("/dashboard/password").asText())
                    .redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(4, TimeUnit.MINUTES)).isTrue();
            System.out.print(output);
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output).contains("browser: offers passed");

            // The link's session, as the merchant's API and webhook see it.
            String sessions = output.substring(output.indexOf("browser: offers: sessions ") + "browser: offers: sessions ".length()).trim();
            long linkSession = Long.parseLong(sessions.split("\\s+")[0]);
            JsonNode status = JSON.readTree(get(url, "/gateway/session_status.php?session_id=" + linkSession, key)).get("session");
            assertThat(status.get("status").asText()).isEqualTo("paid");
            String linkId = status.at("/meta/payment_link").asText();
            assertThat(linkId).startsWith("pl_");
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(bodies).anySatisfy(body -> {
                JsonNode hook = JSON.readTree(body);
                assertThat(hook.get("session_id").asLong()).isEqualTo(linkSession);
                assertThat(hook.get("status").asText()).isEqualTo("paid");
                assertThat(hook.get("payment_link").asText()).isEqualTo(linkId);
            }));
            List<String> files = new ArrayList<>();
            try (var list = Files.list(shots)) {
                list.forEach(p -> files.add(p.getFileName().toString()));
            }
            assertThat(files).contains("offers-1-links.png", "offers-2-link-buyer-1-page.png", "offers-2-link-buyer-2-paid.png",
                    "offers-3-payments.png", "offers-4-session.png", "offers-5-link-used-up.png", "offers-6-products.png",
                    "offers-7-product-buyer-1-page.png", "offers-8-wallet-refused.png", "offers-9-wallet-saved.png");
        } finally {
            receiver.stop(0);
        }
    }

    private static String get(String url, String path, String key) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + key)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static void patch(String url, String path, String admin, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
