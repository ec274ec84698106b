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
 * The merchant dashboard in a real browser (Debian's Chromium driven by playwright-core, JavaScript off) against the
 * whole of {@code kassa dev}, signed in as the demo user {@code dev-credentials.json} names: a wrong password refused;
 * a paid session found by its order id; its timeline; its webhook resent and the new attempt seen (and received again
 * with the same event id); part of it refunded; the webhook URL changed; a new API key issued (and working, the old one
 * too for its overlap); a session in review approved with a note; another merchant's session a 404; a post
 * without its CSRF token a 403; signed out. Screenshots of every page in {@code cli/target/browser-screenshots}.
 */
class DashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void a_merchant_signs_in_finds_a_payment_resends_its_webhook_refunds_part_and_changes_settings() throws Exception {
        File nodeJs = BrowserScripts.nodeOrSkip("DashboardBrowserTest");
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("webhook-id"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
        try (DevEnvironment env = DevEnvironment.start(dataDir, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            JsonNode credentials = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile());
            String admin = credentials.get("admin_token").asText();
            String key = credentials.at("/merchant/api_key").asText();
            long merchantId = credentials.at("/merchant/merchant_id").asLong();
            assertThat(credentials.at("/dashboard/url").asText()).isEqualTo(url + "/dashboard");
            send(url, "PATCH", "/admin/merchants/" + merchantId, "Bearer " + admin, "{\"webhook_url\":\"" + hook + "/first\"}", 200);

            long paid = create(url, key, credentials.at("/merchant/domain").asText(), "DASH-PAID-1");
            send(url, "POST", "/sandbox/sessions/" + paid + "/pay", null, "{\"outcome\":\"paid\"}", 202);
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + paid,
                    "Bearer " + key, null, 200)).at("/session/status").asText().equals("paid"));
            await().atMost(Duration.ofSeconds(60)).until(() -> received.stream().anyMatch(r -> r.startsWith("/first ")));
            String other = JSON.readTree(send(url, "POST", "/admin/merchants", "Bearer " + admin,
                    "{\"email\":\"other@other.example\",\"domains\":[\"other.example\"],\"package\":\"pro\"}", 201)).get("api_key").asText();
            long foreign = create(url, other, "other.example", "DASH-PAID-1");
            long inReview = create(url, key, credentials.at("/merchant/domain").asText(), "DASH-REVIEW-1");
            send(url, "POST", "/sandbox/sessions/" + inReview + "/pay", null, "{\"outcome\":\"review\"}", 202);
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + inReview,
                    "Bearer " + key, null, 200)).at("/session/status").asText().equals("review"));

            Path shots = Path.of("target/browser-screenshots").toAbsolutePath();
            Process node = new ProcessBuilder(nodeJs.getPath(), BrowserScripts.DIR.resolve("dashboard.mjs").toString(), url, shots.toString(),
                    credentials.at("/dashboard/email").asText(), credentials.at("/dashboard/password").asText(), "DASH-PAID-1",
                    Long.toString(paid), Long.toString(foreign), hook + "/second", dataDir.resolve("new-key").toString(),
                    Long.toString(inReview))
                    .redirectErrorStream(true).start();
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(4, TimeUnit.MINUTES)).isTrue();
            System.out.print(output);
            assertThat(node.exitValue()).as(output).isZero();
            assertThat(output).contains("browser: dashboard passed");

            // The resend reached the receiver with the first delivery's event id; the refund is the merchant's, recorded.
            List<String> first = received.stream().filter(r -> r.startsWith("/first ")).toList();
            assertThat(first).as("the paid webhook and its resend").hasSizeGreaterThanOrEqualTo(2);
            JsonNode status = JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + paid, "Bearer " + key, null, 200));
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + paid,
                    "Bearer " + key, null, 200)).at("/session/refunded_amount").asText().equals("2.00"));
            assertThat(status.at("/session/status").asText()).isEqualTo("paid");
            // The review the page approved: paid, by the signed-in user, with the note.
            assertThat(JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + inReview, "Bearer " + key, null, 200))
                    .at("/session/status").asText()).isEqualTo("paid");
            assertThat(send(url, "GET", "/admin/sessions/" + inReview + "/history", "Bearer " + admin, null, 200))
                    .contains("by merchant-dashboard:" + credentials.at("/dashboard/email").asText())
                    .contains("note: called the buyer, order is genuine");
            // The key issued on the settings page works, and the old one still does for its 24-hour overlap.
            String newKey = Files.readString(dataDir.resolve("new-key")).trim();
            assertThat(newKey).isNotEqualTo(key);
            send(url, "GET", "/gateway/me.php", "Bearer " + newKey, null, 200);
            send(url, "GET", "/gateway/me.php", "Bearer " + key, null, 200);
            String endpoints = send(url, "GET", "/admin/merchants/" + merchantId + "/webhook-endpoints", "Bearer " + admin, null, 200);
            assertThat(endpoints).as("the URL the settings page saved").contains(hook + "/second").doesNotContain(hook + "/first");
            List<String> files = new ArrayList<>();
            try (var list = Files.list(shots)) {
                list.forEach(p -> files.add(p.getFileName().toString()));
            }
            assertThat(files).contains("dashboard-1-login.png", "dashboard-2-overview.png", "dashboard-3-payments.png",
                    "dashboard-4-session.png", "dashboard-5-refunded.png", "dashboard-6-settings.png", "dashboard-7-not-found.png",
                    "dashboard-8-payments-phone.png", "dashboard-9-new-api-key.png", "dashboard-10-endpoint-secret.png",
                    "dashboard-11-two-step-setup.png", "dashboard-12-two-step-code.png", "dashboard-13-events.png",
                    "dashboard-14-confirm.png", "dashboard-15-review.png", "dashboard-16-buyers-see.png");
        } finally {
            receiver.stop(0);
        }
    }

    private static long create(String url, String key, String domain, String order) throws Exception {
        String body = "{\"domain\":\"" + domain + "\",\"amount\":\"25.00\",\"currency\":\"EUR\",\"order_id\":\"" + order
                + "\",\"customer_email\":\"buyer@example.com\"}";
        return JSON.readTree(send(url, "POST", "/gateway/session.php", "Bearer " + key, body, 200)).get("session_id").asLong();
    }

    private static String send(String url, String method, String path, String authorization, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body();
    }
}
