package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Payment links, products and the payout wallet over real HTTP, a real broker and the aggregate with its payment-link
 * fold: what a buyer opening a link gets, the limits under concurrent buyers, bad input refused with nothing stored.
 */
@ExtendWith(KafkaExtension.class)
class PaymentLinksTest {

    private static final String ADMIN = "payment-links-admin-token";
    /** Never follows redirects: the link page's 303 is what is tested. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayStack stack;
    private static GatewayServer gateway;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        stack = GatewayStack.start(kafka, "payment-links", ADMIN);
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void a_single_use_link_makes_one_checkout_for_every_buyer_and_none_once_paid() throws Exception {
        Merchant m = merchant("single@example.com");
        HttpResponse<String> created = send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"25.00\",\"currency\":\"EUR\",\"description\":\"Invoice 2026-117\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode link = JSON.readTree(created.body());
        String linkId = link.get("link_id").asText();
        String path = URI.create(link.get("url").asText()).getPath();
        assertThat(linkId).matches("pl_[0-9a-f]{20}");
        assertThat(path).matches("/link/[A-Za-z0-9_-]{22}");

        HttpResponse<String> page = send("GET", path, null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Invoice 2026-117").contains("25.00 EUR").contains("yourshop.com").contains("<button");

        long session = openLink(path, 303);
        JsonNode status = JSON.readTree(send("GET", "/gateway/session_status.php?session_id=" + session, m.key, null).body()).get("session");
        assertThat(status.get("order_id").asText()).isEqualTo(linkId);
        assertThat(status.get("shop_domain").asText()).isEqualTo("localhost"); // the platform's domain: no allowlist entry needed
        assertThat(status.get("meta").get("payment_link").asText()).isEqualTo(linkId);
        assertThat(status.get("amount").asText()).isEqualTo("25.00");

        // A second buyer (or the same one again) is sent to the one open checkout, not a second session.
        assertThat(openLink(path, 303)).isEqualTo(session);

        pay(session);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode listed = onlyLink(m.key);
            assertThat(listed.get("paid_count").asInt()).isEqualTo(1);
            assertThat(listed.get("state").asText()).isEqualTo("used_up");
        });
        HttpResponse<String> afterPaid = form(path, "");
        assertThat(afterPaid.statusCode()).isEqualTo(410);
        assertThat(afterPaid.body()).contains("already been paid");
        assertThat(send("GET", path, null, null).body()).contains("already been paid").doesNotContain("<button");
    }

    @Test
    void max_uses_holds_under_concurrent_buyers_and_a_used_up_link_says_so() throws Exception {
        Merchant m = merchant("concurrent@example.com");
        JsonNode link = JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"9.50\",\"currency\":\"EUR\",\"description\":\"Workshop seat\",\"reusable\":true,\"max_uses\":3}").body());
        String path = URI.create(link.get("url").asText()).getPath();

        ExecutorService buyers = Executors.newFixedThreadPool(24);
        List<Callable<HttpResponse<String>>> opens = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            opens.add(() -> form(path, ""));
        }
        Set<Long> granted = new HashSet<>();
        int refused = 0;
        for (Future<HttpResponse<String>> f : buyers.invokeAll(opens)) {
            HttpResponse<String> answer = f.get();
            if (answer.statusCode() == 303) {
                granted.add(sessionOf(answer));
            } else {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(409);
                assertThat(answer.body()).contains("no use left");
                refused++;
            }
        }
        buyers.shutdown();
        assertThat(granted).hasSize(3);
        assertThat(refused).isEqualTo(21);

        for (long session : granted) {
            pay(session);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(onlyLink(m.key).get("paid_count").asInt()).isEqualTo(3));
        HttpResponse<String> usedUp = form(path, "");
        assertThat(usedUp.statusCode()).isEqualTo(410);
        assertThat(usedUp.body()).contains("used as often as it may be");
    }

    @Test
    void a_hammered_link_slows_only_itself_and_its_merchants_other_links_still_open() throws Exception {
        Merchant m = merchant("hammered@example.com");
        String hammered = URI.create(JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"description\":\"Popular\",\"reusable\":true}").body()).get("url").asText()).getPath();
        String quiet = URI.create(JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"2.00\",\"currency\":\"EUR\",\"description\":\"Quiet\",\"reusable\":true}").body()).get("url").asText()).getPath();

        // 180 opens at once (under the per-address burst of 200): the link's own bucket (20 a second, bursts of 40) lets
        // about 40 through; a machine would need 7 s for all of them to pass.
        ExecutorService buyers = Executors.newFixedThreadPool(30);
        List<Callable<HttpResponse<String>>> opens = new ArrayList<>();
        for (int i = 0; i < 180; i++) {
            opens.add(() -> form(hammered, ""));
        }
        int granted = 0;
        int busy = 0;
        for (Future<HttpResponse<String>> f : buyers.invokeAll(opens)) {
            HttpResponse<String> answer = f.get();
            if (answer.statusCode() == 303) {
                granted++;
            } else {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                assertThat(answer.body()).contains("Many buyers are opening this page right now");
                assertThat(answer.headers().firstValue("Retry-After")).isPresent();
                busy++;
            }
        }
        buyers.shutdown();
        assertThat(busy).as("opens refused as busy (%d granted)", granted).isGreaterThan(0);
        assertThat(granted).isGreaterThanOrEqualTo(40);
        // The merchant's other link, and the hammered one a moment later, open as usual.
        openLink(quiet, 303);
        await().atMost(Duration.ofSeconds(10)).until(() -> form(hammered, "").statusCode() == 303);
    }

    @Test
    void a_cancelled_checkout_gives_its_use_back() throws Exception {
        Merchant m = merchant("cancel-frees@example.com");
        JsonNode link = JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"description\":\"One coffee\"}").body());
        String path = URI.create(link.get("url").asText()).getPath();
        long first = openLink(path, 303);
        assertThat(send("POST", "/gateway/cancel.php", m.key, "{\"session_id\":" + first + "}").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> again = form(path, "buyer@example.org");
            assertThat(again.statusCode()).isEqualTo(303);
            assertThat(sessionOf(again)).isNotEqualTo(first);
        });
    }

    @Test
    void an_expired_or_deactivated_link_makes_no_session() throws Exception {
        Merchant m = merchant("closed@example.com");
        String soon = Instant.now().plusSeconds(2).toString();
        JsonNode expiring = JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"description\":\"Flash sale\",\"reusable\":true,\"expires_at\":\"" + soon + "\"}").body());
        String expiringPath = URI.create(expiring.get("url").asText()).getPath();
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(Instant.parse(soon)));
        HttpResponse<String> late = form(expiringPath, "");
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(late.body()).contains("has expired");

        JsonNode other = JSON.readTree(send("POST", "/gateway/payment_links.php", m.key,
                "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"description\":\"Old offer\",\"reusable\":true}").body());
        HttpResponse<String> off = send("PATCH", "/gateway/payment_links.php?link_id=" + other.get("link_id").asText(), m.key, "{\"active\":false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(JSON.readTree(off.body()).get("state").asText()).isEqualTo("inactive");
        HttpResponse<String> closed = form(URI.create(other.get("url").asText()).getPath(), "");
        assertThat(closed.statusCode()).isEqualTo(410);
        assertThat(closed.body()).contains("no longer active");
        // Another merchant cannot touch it.
        Merchant stranger = merchant("stranger@example.com");
        HttpResponse<String> foreign = send("PATCH", "/gateway/payment_links.php?link_id=" + other.get("link_id").asText(), stranger.key, "{\"active\":true}");
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("invalid_link_id");
        assertThat(send("GET", "/link/not-a-real-code", null, null).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            zero amount              | {"amount":"0.00","currency":"EUR","description":"x"}                                  | invalid_amount
            negative amount          | {"amount":"-5","currency":"EUR","description":"x"}                                    | invalid_amount
            over-precise amount      | {"amount":"1.234","currency":"EUR","description":"x"}                                 | invalid_amount
            yen with cents           | {"amount":"100.5","currency":"JPY","description":"x"}                                 | invalid_amount
            amount as a JSON number  | {"amount":25.0,"currency":"EUR","description":"x"}                                    | invalid_amount
            unknown currency         | {"amount":"5.00","currency":"EUX","description":"x"}                                  | invalid_currency
            no description           | {"amount":"5.00","currency":"EUR"}                                                    | missing_field
            max_uses zero            | {"amount":"5.00","currency":"EUR","description":"x","reusable":true,"max_uses":0}     | invalid_max_uses
            max_uses on single use   | {"amount":"5.00","currency":"EUR","description":"x","max_uses":3}                     | invalid_max_uses
            max_uses as text         | {"amount":"5.00","currency":"EUR","description":"x","reusable":true,"max_uses":"3"}   | invalid_max_uses
            expires_at in the past   | {"amount":"5.00","currency":"EUR","description":"x","expires_at":"2020-01-01T00:00:00Z"} | invalid_expires_at
            expires_at not a time    | {"amount":"5.00","currency":"EUR","description":"x","expires_at":"tomorrow"}          | invalid_expires_at
            reusable as text         | {"amount":"5.00","currency":"EUR","description":"x","reusable":"yes"}                 | invalid_reusable
            not JSON                 | {"amount":                                                                            | invalid_json
            """)
    void bad_links_are_refused_with_their_code_and_nothing_is_stored(String name, String body, String code) throws Exception {
        Merchant m = merchant("bad-" + name.replace(' ', '-') + "@example.com");
        HttpResponse<String> answer = send("POST", "/gateway/payment_links.php", m.key, body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo(code);
        assertThat(JSON.readTree(send("GET", "/gateway/payment_links.php", m.key, null).body()).get("links")).isEmpty();
    }

    @Test
    void a_merchant_may_not_set_payment_link_in_its_own_meta() throws Exception {
        Merchant m = merchant("meta@example.com");
        HttpResponse<String> answer = send("POST", "/gateway/session.php", m.key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"4.00\",\"currency\":\"EUR\",\"order_id\":\"M-1\",\"meta\":{\"payment_link\":\"pl_00\"}}");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_meta");
    }

    @Test
    void a_product_page_sells_and_an_inactive_product_is_a_404() throws Exception {
        Merchant m = merchant("products@example.com");
        String products = "/admin/merchants/" + m.id + "/products";
        HttpResponse<String> made = send("POST", products, "Bearer " + ADMIN,
                "{\"slug\":\"blue-mug\",\"name\":\"Blue mug\",\"description\":\"Stoneware, 300 ml\",\"amount\":\"14.90\",\"currency\":\"EUR\","
                        + "\"image_url\":\"https://images.example.com/mug.png\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        HttpResponse<String> page = send("GET", "/p/blue-mug", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Blue mug").contains("Stoneware, 300 ml").contains("14.90 EUR").contains("https://images.example.com/mug.png");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("img-src https:");

        HttpResponse<String> bought = form("/p/blue-mug", "buyer@example.org");
        assertThat(bought.statusCode()).as(bought.body()).isEqualTo(303);
        long session = sessionOf(bought);
        JsonNode status = JSON.readTree(send("GET", "/gateway/session_status.php?session_id=" + session, m.key, null).body()).get("session");
        assertThat(status.get("order_id").asText()).isEqualTo("product:blue-mug");
        assertThat(status.get("amount").asText()).isEqualTo("14.90");
        assertThat(status.get("meta").get("product").asText()).isEqualTo("blue-mug");

        HttpResponse<String> taken = send("POST", products, "Bearer " + ADMIN,
                "{\"slug\":\"blue-mug\",\"name\":\"Another\",\"amount\":\"1.00\",\"currency\":\"EUR\"}");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(taken.body()).get("error").asText()).isEqualTo("slug_taken");
        Map<String, String> bad = Map.of(
                "{\"slug\":\"A B\",\"name\":\"x\",\"amount\":\"1.00\",\"currency\":\"EUR\"}", "invalid_slug",
                "{\"slug\":\"ok-slug\",\"name\":\"\",\"amount\":\"1.00\",\"currency\":\"EUR\"}", "missing_field",
                "{\"slug\":\"ok-slug\",\"name\":\"" + "n".repeat(121) + "\",\"amount\":\"1.00\",\"currency\":\"EUR\"}", "invalid_name",
                "{\"slug\":\"ok-slug\",\"name\":\"x\",\"amount\":\"0\",\"currency\":\"EUR\"}", "invalid_amount",
                "{\"slug\":\"ok-slug\",\"name\":\"x\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"image_url\":\"http://x.example/a.png\"}", "invalid_image_url",
                "{\"slug\":\"ok-slug\",\"name\":\"x\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"active\":\"yes\"}", "invalid_active");
        for (Map.Entry<String, String> b : bad.entrySet()) {
            HttpResponse<String> refused = send("POST", products, "Bearer " + ADMIN, b.getKey());
            assertThat(refused.statusCode()).as(b.getKey()).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).get("error").asText()).as(b.getKey()).isEqualTo(b.getValue());
        }
        assertThat(send("GET", "/p/ok-slug", null, null).statusCode()).isEqualTo(404);

        HttpResponse<String> off = send("PATCH", products + "/blue-mug", "Bearer " + ADMIN, "{\"active\":false}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(send("GET", "/p/blue-mug", null, null).statusCode()).isEqualTo(404);
        assertThat(form("/p/blue-mug", "").statusCode()).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            too short                 | {"network":"polygon","asset":"USDC","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"}
            too long                  | {"network":"polygon","asset":"USDC","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00"}
            not hex                   | {"network":"polygon","asset":"USDC","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeZ"}
            no 0x                     | {"network":"polygon","asset":"USDC","address":"5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed11"}
            checksum broken           | {"network":"polygon","asset":"USDC","address":"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}
            another network           | {"network":"tron","asset":"USDC","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}
            another asset             | {"network":"polygon","asset":"DOGE","address":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"}
            not an object             | "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
            """)
    void a_wrong_payout_wallet_is_refused_and_nothing_is_stored(String name, String wallet) throws Exception {
        Merchant m = merchant("wallet-" + name.replace(' ', '-') + "@example.com");
        HttpResponse<String> answer = send("PATCH", "/admin/merchants/" + m.id, "Bearer " + ADMIN,
                "{\"payout_wallet\":" + wallet + ",\"crypto_enabled\":true}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_merchant_payout_wallet");
        assertThat(crypto(m)).isFalse();
    }

    @Test
    void crypto_is_offered_only_with_a_wallet_and_a_crypto_payment_fills_the_seed_fields() throws Exception {
        Merchant m = merchant("crypto@example.com");
        assertThat(crypto(m)).isFalse();
        HttpResponse<String> noWallet = send("POST", "/gateway/session.php", m.key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"79.00\",\"currency\":\"EUR\",\"order_id\":\"C-1\",\"method\":\"crypto\"}");
        assertThat(noWallet.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(noWallet.body()).get("error").asText()).isEqualTo("missing_merchant_payout_wallet");
        long plain = JSON.readTree(send("POST", "/gateway/session.php", m.key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"79.00\",\"currency\":\"EUR\",\"order_id\":\"C-0\"}").body()).get("session_id").asLong();
        assertThat(send("GET", "/pay.php?session=" + plain, null, null).body()).contains("Card").doesNotContain("Pay with crypto");
        HttpResponse<String> notBoolean = send("PATCH", "/admin/merchants/" + m.id, "Bearer " + ADMIN, "{\"crypto_enabled\":\"yes\"}");
        assertThat(JSON.readTree(notBoolean.body()).get("error").asText()).isEqualTo("invalid_crypto_enabled");
        HttpResponse<String> onWithout = send("PATCH", "/admin/merchants/" + m.id, "Bearer " + ADMIN, "{\"crypto_enabled\":true}");
        assertThat(JSON.readTree(onWithout.body()).get("error").asText()).isEqualTo("missing_merchant_payout_wallet");

        // All lower case carries no checksum and is stored in its checksum form.
        HttpResponse<String> set = send("PATCH", "/admin/merchants/" + m.id, "Bearer " + ADMIN,
                "{\"crypto_enabled\":true,\"payout_wallet\":{\"network\":\"polygon\",\"asset\":\"USDC\",\"address\":\"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed\"}}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(crypto(m)).isTrue();
        assertThat(send("GET", "/pay.php?session=" + plain, null, null).body()).contains("Pay with crypto");
        JsonNode me = JSON.readTree(send("GET", "/gateway/me.php", m.key, null).body());
        assertThat(me.at("/crypto/payout_wallet/address").asText()).isEqualTo("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

        HttpResponse<String> created = send("POST", "/gateway/session.php", m.key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"79.00\",\"currency\":\"EUR\",\"order_id\":\"C-2\",\"method\":\"crypto\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(JSON.readTree(created.body()).get("direct_url").asText()).contains("/crypto.php?session=");
        long session = JSON.readTree(created.body()).get("session_id").asLong();
        HttpResponse<String> paid = send("POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\":\"paid\",\"method\":\"crypto\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode s = JSON.readTree(send("GET", "/gateway/session_status.php?session_id=" + session, m.key, null).body()).get("session");
            assertThat(s.get("status").asText()).isEqualTo("paid");
            assertThat(s.get("paid_coin").asText()).isEqualTo("USDC");
            assertThat(s.get("paid_value_coin").asText()).isEqualTo("79.00");
            assertThat(s.get("txid_in").asText()).matches("0x[0-9a-f]{64}");
            assertThat(s.get("txid_out").asText()).matches("0x[0-9a-f]{64}");
            assertThat(s.get("polygon_address_in").asText()).matches("0x[0-9a-fA-F]{40}");
        });
    }

    private record Merchant(long id, String key) {
    }

    private static boolean crypto(Merchant m) throws Exception {
        JsonNode me = JSON.readTree(send("GET", "/gateway/me.php", m.key, null).body());
        return me.get("crypto").get("available").asBoolean();
    }

    private static JsonNode onlyLink(String key) throws Exception {
        JsonNode links = JSON.readTree(send("GET", "/gateway/payment_links.php", key, null).body()).get("links");
        assertThat(links).hasSize(1);
        return links.get(0);
    }

    private static void pay(long session) throws Exception {
        HttpResponse<String> paid = send("POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\":\"paid\"}");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
    }

    private static long openLink(String path, int status) throws Exception {
        HttpResponse<String> answer = form(path, "");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        return sessionOf(answer);
    }

    private static long sessionOf(HttpResponse<String> redirect) {
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://localhost:8080/pay.php?session=");
        return Long.parseLong(location.substring(location.indexOf("session=") + "session=".length()));
    }

    private static HttpResponse<String> form(String path, String email) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=" + java.net.URLEncoder.encode(email, java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Merchant merchant(String email) throws Exception {
        HttpResponse<String> created = send("POST", "/admin/merchants", "Bearer " + ADMIN,
                "{\"email\":\"" + email + "\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\",\"checkout_mode\":\"smart_router\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(created.body());
        return new Merchant(answer.get("merchant_id").asLong(), "Bearer " + answer.get("api_key").asText());
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
