package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.log.SessionHistory;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.avro.SessionEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hosted checkout and the sandbox providers over real HTTP on the real broker, as a browser without JavaScript
 * would use them (links, form posts, 303 redirects). The browser test in the cli module drives the same pages in
 * Chromium.
 */
@ExtendWith(KafkaExtension.class)
class HostedCheckoutTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String bootstrap;
    private static AggregateService aggregate;
    private static GatewayServer gateway;
    private static String apiKey;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        bootstrap = kafka.bootstrapServers();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config d = AggregateService.Config.defaults(bootstrap, Files.createTempDirectory("hosted-agg"));
        aggregate = AggregateService.start(new AggregateService.Config(dev.kassa.schemas.KafkaAccess.of(bootstrap), "hosted-test-" + System.nanoTime(), d.stateDir(),
                d.commitInterval(), 0, d.settings(), Map.of()));
        aggregate.awaitRunning(Duration.ofSeconds(60));
        gateway = GatewayServer.start(bootstrap, 0, "hosted-admin-token", "http://localhost:8080", true);
        HttpResponse<String> merchant = send("POST", "/admin/merchants", "Bearer hosted-admin-token", """
                {"email": "hosted@example.com", "domains": ["hosted.example"], "package": "pro", "checkout_mode": "smart_router",
                 "country": "NL"}""");
        assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
        apiKey = JSON.readTree(merchant.body()).get("api_key").asText();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        aggregate.close();
    }

    @Test
    void a_buyer_pays_by_card_and_only_the_last_four_digits_are_kept() throws Exception {
        long session = create("H-CARD", null);
        String page = get("/pay.php?session=" + session + "&method=card").body();
        assertThat(page).contains("Pay hosted.example").contains("49.95 EUR").contains("Time left:").contains("autocomplete=\"cc-number\"");
        HttpResponse<String> paid = form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4242 4242 4242 4242",
                "exp", "12/30", "cvc", "123"));
        assertThat(paid.statusCode()).isEqualTo(303);
        assertThat(paid.headers().firstValue("Location")).contains("/pay.php?session=" + session);
        awaitStatus(session, "paid");
        assertThat(get("/pay.php?session=" + session).body()).contains("Payment received").doesNotContain("name=\"number\"");
        JsonNode state = JSON.readTree(send("GET", "/admin/sessions/" + session + "/history", "Bearer hosted-admin-token", null).body());
        assertThat(state.toString()).doesNotContain("4242424242424242").doesNotContain("4242 4242 4242 4242");
        assertThat(eventsOf(session)).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "PENDING", "PAID");
    }

    @Test
    void a_declined_buyer_sees_why_and_pays_with_paypal_instead() throws Exception {
        long session = create("H-DECLINE", null);
        form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4000000000009995", "exp", "12/30", "cvc", "123"));
        awaitStatus(session, "failed");
        String page = get("/pay.php?session=" + session).body();
        assertThat(page).contains("Your last payment attempt did not go through").contains("insufficient").contains("id=\"method-paypal\"");
        assertThat(get("/pay.php?session=" + session + "&method=paypal").body()).contains("Approve payment");
        form("/pay/approve", Map.of("session", "" + session, "provider", "paypal", "method", "paypal", "decision", "approve"));
        awaitStatus(session, "paid");
        assertThat(eventsOf(session)).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "PENDING", "FAILED", "PENDING", "PAID");
    }

    @Test
    void three_d_secure_is_a_step_on_the_page() throws Exception {
        long session = create("H-3DS", null);
        form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4000000000003220", "exp", "12/30", "cvc", "123"));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/pay.php?session=" + session).body().contains("Complete authentication"));
        String challenge = get("/pay.php?session=" + session).body();
        String attempt = challenge.replaceAll("(?s).*name=\"attempt\" value=\"([^\"]+)\".*", "$1");
        form("/pay/3ds", Map.of("session", "" + session, "provider", "wert", "attempt", attempt, "result", "pass"));
        awaitStatus(session, "paid");
    }

    @Test
    void a_provider_error_falls_back_to_the_next_candidate_and_the_history_says_why() throws Exception {
        long session = create("H-FALLBACK", null);
        form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4000000000000119", "exp", "12/30", "cvc", "123"));
        awaitStatus(session, "paid");
        List<SessionEvent> events = eventsOf(session);
        assertThat(events).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "PENDING", "FAILED", "PENDING", "PAID");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(SessionHistory.read(dev.kassa.schemas.KafkaAccess.of(bootstrap), session).routes())
                .extracting(r -> r.getReason()).anySatisfy(reason -> assertThat(reason)
                        .isEqualTo("fallback after provider_error from wert: next candidate moonpay")));
        String history = send("GET", "/admin/sessions/" + session + "/history", "Bearer hosted-admin-token", null).body();
        assertThat(history).contains("fallback after provider_error from wert").contains("PaymentSucceeded by provider:moonpay");
    }

    @Test
    void ideal_is_offered_to_buyers_in_the_netherlands_only() throws Exception {
        long session = create("H-IDEAL", null);
        assertThat(get("/pay.php?session=" + session + "&country=NL").body()).contains("id=\"method-ideal\"");
        assertThat(get("/pay.php?session=" + session + "&country=DE").body()).doesNotContain("id=\"method-ideal\"").contains("id=\"method-card\"");
        assertThat(get("/pay.php?session=" + session).body()).doesNotContain("id=\"method-ideal\"");
        assertThat(get("/pay.php?session=" + session + "&method=ideal&country=DE").body()).doesNotContain("Approve payment");
    }

    /** The pages are templates that escape what they write: a merchant's order id is text, never markup. */
    @Test
    void what_the_merchant_sent_is_shown_as_text_not_markup() throws Exception {
        long session = create("<script>alert(1)</script> & \\\"x\\\"", "https://hosted.example/cart?a=1&b=2");
        String page = get("/pay.php?session=" + session).body();
        assertThat(page).contains("Order &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;").doesNotContain("<script");
        assertThat(get("/pay.php?session=" + session + "&method=card").body()).doesNotContain("<script")
                .contains("name=\"session\" value=\"" + session + "\"");
    }

    @Test
    void the_buyers_cancel_ends_the_session_and_lands_on_the_shops_cancel_url_with_its_id() throws Exception {
        long session = create("H-BUYER-CANCEL", "https://shop.hosted.example/cart?step=2");
        assertThat(get("/pay.php?session=" + session).body()).contains("action=\"/pay/cancel\"").contains("Cancel and return to hosted.example");
        HttpResponse<String> cancelled = form("/pay/cancel", Map.of("session", "" + session));
        assertThat(cancelled.statusCode()).isEqualTo(303);
        String shop = "https://shop.hosted.example/cart?step=2&session_id=" + session;
        assertThat(cancelled.headers().firstValue("Location")).contains(shop);
        awaitStatus(session, "cancelled");
        assertThat(eventsOf(session)).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "CANCELLED");
        assertThat(eventsOf(session).get(1).getCause().getActor()).as("the buyer is the cause").isEqualTo("buyer");
        HttpResponse<String> again = form("/pay/cancel", Map.of("session", "" + session));
        assertThat(again.headers().firstValue("Location")).as("a second click leads to the shop again").contains(shop);
        assertThat(eventsOf(session)).hasSize(2);

        // A cancel URL on a host that is not the merchant's is ignored: Kassa's domain never redirects there.
        long elsewhere = create("H-ELSEWHERE", "https://hosted.example.evil.example/phish");
        assertThat(get("/pay.php?session=" + elsewhere).body()).contains("Cancel this payment").doesNotContain("evil.example");
        HttpResponse<String> stays = form("/pay/cancel", Map.of("session", "" + elsewhere));
        assertThat(stays.headers().firstValue("Location")).contains("/pay.php?session=" + elsewhere);
        awaitStatus(elsewhere, "cancelled");

        // While an attempt is pending the buyer cannot cancel: the provider may be taking the money.
        long pending = create("H-PENDING-CANCEL", "https://hosted.example/cart");
        form("/pay/card", Map.of("session", "" + pending, "provider", "wert", "number", "4000000000003220", "exp", "12/30", "cvc", "123"));
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/pay.php?session=" + pending).body().contains("Complete authentication"));
        assertThat(get("/pay.php?session=" + pending).body()).doesNotContain("/pay/cancel");
        HttpResponse<String> refused = form("/pay/cancel", Map.of("session", "" + pending));
        assertThat(refused.headers().firstValue("Location")).contains("/pay.php?session=" + pending);
        assertThat(eventsOf(pending)).extracting(e -> e.getStatus().name()).doesNotContain("CANCELLED");
        assertThat(form("/pay/cancel", Map.of("session", "12345")).statusCode()).isEqualTo(404);
    }

    @Test
    void the_merchants_name_and_support_contacts_are_on_its_buyers_pages() throws Exception {
        HttpResponse<String> made = send("POST", "/admin/merchants", "Bearer hosted-admin-token", "{\"email\": \"profile@example.com\","
                + " \"domains\": [\"profile.example\"], \"package\": \"pro\", \"display_name\": \"Zoë's <Bikes>\","
                + " \"support_email\": \"help@profile.example\", \"support_url\": \"https://profile.example/help\"}");
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        JsonNode merchant = JSON.readTree(made.body());
        String key = "Bearer " + merchant.get("api_key").asText();
        String patch = "/admin/merchants/" + merchant.get("merchant_id").asText();
        HttpResponse<String> created = send("POST", "/gateway/session.php", key,
                "{\"domain\":\"profile.example\",\"amount\":\"12.00\",\"currency\":\"EUR\",\"order_id\":\"P-1\"}");
        long session = JSON.readTree(created.body()).get("session_id").asLong();
        assertThat(get("/pay.php?session=" + session).body()).contains("Pay Zoë&#39;s &lt;Bikes&gt;")
                .contains("href=\"mailto:help@profile.example\"").contains("href=\"https://profile.example/help\"");
        HttpResponse<String> link = send("POST", "/gateway/payment_links.php", key, "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"description\":\"Tube\"}");
        String linkPage = get(URI.create(JSON.readTree(link.body()).get("url").asText()).getPath()).body();
        assertThat(linkPage).contains("Zoë&#39;s &lt;Bikes&gt;").contains("href=\"mailto:help@profile.example\"");

        String[][] refused = {{"display_name", "\"" + "x".repeat(101) + "\""}, {"support_email", "42"},
                {"support_url", "\"http://profile.example/help\""}};
        for (String[] field : refused) {
            HttpResponse<String> answer = send("PATCH", patch, "Bearer hosted-admin-token", "{\"" + field[0] + "\": " + field[1] + "}");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_" + field[0]);
        }
        // The merchant's collect defaults: a create that does not say asks what they say; one that says {} asks nothing.
        assertThat(JSON.readTree(send("PATCH", patch, "Bearer hosted-admin-token", "{\"collect_defaults\": {\"name\": \"yes\"}}").body())
                .get("error").asText()).isEqualTo("invalid_collect_defaults");
        assertThat(send("PATCH", patch, "Bearer hosted-admin-token", "{\"collect_defaults\": {\"name\": true}}").statusCode()).isEqualTo(200);
        long asked = JSON.readTree(send("POST", "/gateway/session.php", key,
                "{\"domain\":\"profile.example\",\"amount\":\"12.00\",\"currency\":\"EUR\",\"order_id\":\"P-2\"}").body()).get("session_id").asLong();
        long notAsked = JSON.readTree(send("POST", "/gateway/session.php", key,
                "{\"domain\":\"profile.example\",\"amount\":\"12.00\",\"currency\":\"EUR\",\"order_id\":\"P-3\",\"collect\":{}}").body())
                .get("session_id").asLong();
        assertThat(get("/pay.php?session=" + asked + "&method=card").body()).contains("Full name").doesNotContain("Phone");
        assertThat(get("/pay.php?session=" + notAsked + "&method=card").body()).doesNotContain("Full name");
        HttpResponse<String> removed = send("PATCH", patch, "Bearer hosted-admin-token", "{\"display_name\": null, \"support_email\": \"\"}");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(get("/pay.php?session=" + session).body()).as("the domain again, and only the support page")
                .contains("Pay profile.example").doesNotContain("mailto:").contains("href=\"https://profile.example/help\"");
    }

    @Test
    void what_is_sold_is_kept_answered_in_the_status_and_shown_to_the_buyer() throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + apiKey, "{\"domain\":\"hosted.example\","
                + "\"amount\":\"49.95\",\"currency\":\"EUR\",\"order_id\":\"H-LINES\",\"description\":\"Spring order <2 boxes>\","
                + "\"line_items\":[{\"name\":\"Green tea\",\"quantity\":3,\"unit_amount\":\"9.99\"},"
                + "{\"name\":\"Teapot\",\"quantity\":1,\"unit_amount\":19.98}]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        long session = JSON.readTree(created.body()).get("session_id").asLong();
        JsonNode status = JSON.readTree(send("GET", "/gateway/status.php?session_id=" + session, "Bearer " + apiKey, null).body()).get("session");
        assertThat(status.get("description").asText()).isEqualTo("Spring order <2 boxes>");
        assertThat(status.get("line_items").toString()).isEqualTo("[{\"name\":\"Green tea\",\"quantity\":3,\"unit_amount\":\"9.99\"},"
                + "{\"name\":\"Teapot\",\"quantity\":1,\"unit_amount\":\"19.98\"}]");
        assertThat(get("/pay.php?session=" + session).body()).contains("Spring order &lt;2 boxes&gt;").contains("3 × Green tea")
                .contains("29.97 EUR").contains("1 × Teapot");
        long plain = create("H-NO-LINES", null);
        JsonNode none = JSON.readTree(send("GET", "/gateway/status.php?session_id=" + plain, "Bearer " + apiKey, null).body()).get("session");
        assertThat(none.get("description").isNull()).isTrue();
        assertThat(none.get("line_items")).isEmpty();
    }

    @Test
    void the_buyer_answers_what_the_session_asks_and_the_answers_are_its_payer_never_in_a_log() throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + apiKey, "{\"domain\":\"hosted.example\","
                + "\"amount\":\"20.00\",\"currency\":\"EUR\",\"order_id\":\"H-PAYER\",\"collect\":{\"name\":true,\"phone\":true,"
                + "\"billing_address\":true},\"custom_fields\":[{\"key\":\"vat\",\"label\":\"VAT number\",\"type\":\"text\"},"
                + "{\"key\":\"size\",\"label\":\"Frame size\",\"type\":\"dropdown\",\"options\":[{\"label\":\"Small\",\"value\":\"s\"},"
                + "{\"label\":\"Large\",\"value\":\"l\"}]},{\"key\":\"floor\",\"label\":\"Floor\",\"type\":\"numeric\",\"optional\":true}]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        long session = JSON.readTree(created.body()).get("session_id").asLong();
        String page = get("/pay.php?session=" + session + "&method=card").body();
        assertThat(page).contains("Full name").contains("autocomplete=\"name\"").contains("autocomplete=\"tel\"")
                .contains("autocomplete=\"billing address-line1\"").contains("VAT number").contains("Frame size").contains("Floor (optional)")
                .contains("<option value=\"JP\">Japan</option>").doesNotContain("id=\"method-crypto\"");

        Map<String, String> answers = new java.util.HashMap<>(Map.of("session", "" + session, "provider", "wert", "exp", "12/30", "cvc", "123",
                "payer_name", "Ngozi Okonkwo-Лебедева", "payer_phone", "+234 (0)803 555 0199", "billing_line1", "12 Adeola Odeku St",
                "billing_city", "Lagos", "billing_country", "NG", "custom_vat", "NG-778812"));
        answers.put("custom_size", "l");
        Map<String, String> missing = new java.util.HashMap<>(answers);
        missing.remove("payer_name");
        missing.put("payer_phone", "5".repeat(200));
        missing.put("custom_size", "xl");
        missing.put("number", "4242424242424242");
        HttpResponse<String> refused = form("/pay/card", missing);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"payer_name-error\"").contains("Enter your full name.")
                .contains("At most 32 characters.").contains("Choose one of the options.").contains("value=\"Lagos\"")
                .doesNotContain("4242424242424242");
        assertThat(eventsOf(session)).as("no attempt before the answers are good").hasSize(1);

        Map<String, String> declined = new java.util.HashMap<>(answers);
        declined.put("number", "4000000000000002");
        form("/pay/card", declined);
        awaitStatus(session, "failed");
        assertThat(get("/pay.php?session=" + session + "&method=card").body()).as("the answers kept for the next try")
                .contains("value=\"Ngozi Okonkwo-Лебедева\"").contains("value=\"NG-778812\"");
        Map<String, String> paid = new java.util.HashMap<>(answers);
        paid.put("number", "4242424242424242");
        form("/pay/card", paid);
        awaitStatus(session, "paid");
        JsonNode payer = JSON.readTree(send("GET", "/gateway/status.php?session_id=" + session, "Bearer " + apiKey, null).body())
                .at("/session/payer");
        assertThat(payer.get("name").asText()).isEqualTo("Ngozi Okonkwo-Лебедева");
        assertThat(payer.get("phone").asText()).isEqualTo("+234 (0)803 555 0199");
        assertThat(payer.at("/billing_address/country").asText()).isEqualTo("NG");
        assertThat(payer.at("/billing_address/postal_code").isNull()).as("no postal code in Lagos, and none asked for").isTrue();
        assertThat(payer.get("shipping_address").isNull()).isTrue();
        assertThat(payer.get("custom_fields").toString()).isEqualTo("{\"size\":\"l\",\"vat\":\"NG-778812\"}");
        java.nio.file.Path log = java.nio.file.Path.of(System.getProperty("kassa.test.logs", "target/test-logs"), "test.log");
        String text = java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
        assertThat(text).as("the payer never in a log").doesNotContain("Okonkwo").doesNotContain("803 555").doesNotContain("Adeola")
                .doesNotContain("NG-778812");
    }

    @Test
    void a_cancelled_or_unknown_session_never_shows_a_payable_form() throws Exception {
        long session = create("H-CANCEL", "https://hosted.example/cart");
        assertThat(send("POST", "/gateway/cancel.php", "Bearer " + apiKey, "{\"session_id\": " + session + "}").statusCode()).isEqualTo(200);
        // The page reads this gateway's replica of the state topic, which follows the cancel within moments.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/pay.php?session=" + session + "&method=card").body())
                .contains("This checkout was cancelled").contains("href=\"https://hosted.example/cart?session_id=" + session + "\"")
                .doesNotContain("<form"));
        HttpResponse<String> late = form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4242424242424242",
                "exp", "12/30", "cvc", "123"));
        assertThat(late.statusCode()).isEqualTo(303);
        assertThat(eventsOf(session)).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "CANCELLED");
        HttpResponse<String> unknown = get("/pay.php?session=12345");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("Checkout not found");
    }

    @Test
    void an_invalid_card_number_is_refused_without_echoing_it() throws Exception {
        long session = create("H-BADCARD", null);
        HttpResponse<String> refused = form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4242424242424241",
                "exp", "12/30", "cvc", "123"));
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("That card number is not valid").doesNotContain("4242424242424241");
        assertThat(eventsOf(session)).hasSize(1);
    }

    @Test
    void duplicated_and_out_of_order_sandbox_callbacks_make_one_transition() throws Exception {
        long session = create("H-SANDBOX", null);
        HttpResponse<String> started = send("POST", "/sandbox/sessions/" + session + "/pay", null,
                "{\"outcome\": \"paid\", \"duplicates\": 3, \"out_of_order\": true, \"delay_ms\": 200}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        assertThat(JSON.readTree(started.body()).get("provider").asText()).isEqualTo("wert");
        awaitStatus(session, "paid");
        // Five callbacks (paid, a stale processing, three repeats) answered; one transition to paid, nothing after it.
        await().atMost(Duration.ofSeconds(20)).until(() -> SessionHistory.read(dev.kassa.schemas.KafkaAccess.of(bootstrap), session).results().size() >= 7);
        assertThat(eventsOf(session)).extracting(e -> e.getStatus().name()).containsExactly("CREATED", "PENDING", "PAID");
        Map<String, Long> outcomes = SessionHistory.read(dev.kassa.schemas.KafkaAccess.of(bootstrap), session).results().stream()
                .collect(Collectors.groupingBy(r -> r.getOutcome().name(), Collectors.counting()));
        assertThat(outcomes).containsEntry("APPLIED", 3L).containsEntry("DUPLICATE", 3L);
        assertThat(send("POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\": \"maybe\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> tooMany = send("POST", "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\": \"paid\", \"duplicates\": 99}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).get("error").asText()).isEqualTo("invalid_switch");
    }

    @Test
    void create_with_a_method_hint_answers_the_routers_choice() throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + apiKey,
                "{\"domain\":\"hosted.example\",\"amount\":\"49.95\",\"currency\":\"EUR\",\"order_id\":\"H-HINT\",\"payment_method\":\"paypal\"}");
        JsonNode answer = JSON.readTree(created.body());
        assertThat(answer.get("selected_provider").asText()).isEqualTo("paypal");
        assertThat(answer.get("direct_url").asText()).isEqualTo("http://localhost:8080/pay.php?session=" + answer.get("session_id").asLong()
                + "&provider=paypal");
        JsonNode me = JSON.readTree(send("GET", "/gateway/me.php", "Bearer " + apiKey, null).body());
        assertThat(me.at("/smart_router/methods/ideal/available").asBoolean()).as("merchant in NL").isTrue();
        assertThat(me.at("/smart_router/methods/card/available").asBoolean()).isTrue();
    }

    @Test
    void a_payment_in_review_is_approved_or_refunded_by_the_operator() throws Exception {
        long approved = create("H-REVIEW-1", null);
        form("/pay/card", Map.of("session", "" + approved, "provider", "wert", "number", "4000000000000259", "exp", "12/30", "cvc", "123"));
        awaitStatus(approved, "review");
        assertThat(get("/pay.php?session=" + approved).body()).contains("is being reviewed").doesNotContain("<form");
        HttpResponse<String> ok = send("POST", "/admin/sessions/" + approved + "/review", "Bearer hosted-admin-token",
                "{\"resolution\": \"approve\", \"note\": \"checked the order\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("status").asText()).isEqualTo("paid");
        assertThat(send("POST", "/admin/sessions/" + approved + "/review", "Bearer hosted-admin-token",
                "{\"resolution\": \"approve\"}").statusCode()).isEqualTo(409);
        assertThat(send("POST", "/admin/sessions/" + approved + "/review", "Bearer wrong", "{\"resolution\": \"approve\"}").statusCode())
                .isEqualTo(401);
        HttpResponse<String> unknown = send("POST", "/admin/sessions/" + approved + "/review", "Bearer hosted-admin-token",
                "{\"resolution\": \"maybe\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).isEqualTo("invalid_resolution");
        HttpResponse<String> none = send("POST", "/admin/sessions/" + approved + "/review", "Bearer hosted-admin-token", "{}");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("missing_field");

        long refunded = create("H-REVIEW-2", null);
        form("/pay/card", Map.of("session", "" + refunded, "provider", "wert", "number", "4000000000000259", "exp", "12/30", "cvc", "123"));
        awaitStatus(refunded, "review");
        HttpResponse<String> back = send("POST", "/admin/sessions/" + refunded + "/review", "Bearer hosted-admin-token",
                "{\"resolution\": \"refund\"}");
        assertThat(JSON.readTree(back.body()).get("status").asText()).as(back.body()).isEqualTo("refunded");
    }

    @Test
    void a_merchant_resolves_its_own_reviews_with_a_note_and_its_key_in_the_history() throws Exception {
        long[] sessions = new long[3];
        for (int i = 0; i < 3; i++) {
            sessions[i] = create("H-MREVIEW-" + i, null);
            form("/pay/card", Map.of("session", "" + sessions[i], "provider", "wert", "number", "4000000000000259", "exp", "12/30", "cvc", "123"));
        }
        for (long session : sessions) {
            awaitStatus(session, "review");
        }
        String[][] decisions = {{"approve", "paid"}, {"reject", "failed"}, {"refund", "refunded"}};
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> decided = send("POST", "/gateway/review.php", "Bearer " + apiKey, "{\"session_id\": " + sessions[i]
                    + ", \"decision\": \"" + decisions[i][0] + "\", \"note\": \"checked order " + i + "\"}");
            assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
            assertThat(JSON.readTree(decided.body()).get("status").asText()).isEqualTo(decisions[i][1]);
            awaitStatus(sessions[i], decisions[i][1]);
            List<SessionEvent> events = eventsOf(sessions[i]);
            assertThat(events).as("who decided, on the event").anySatisfy(e -> assertThat(e.getCause().getActor()).isEqualTo("merchant-api"));
            JsonNode history = JSON.readTree(send("GET", "/admin/sessions/" + sessions[i] + "/history", "Bearer hosted-admin-token", null).body());
            assertThat(history.get("timeline").toString()).as("the note in the history").contains("checked order " + i).contains("by merchant-api");
        }
        long another = create("H-MREVIEW-3", null);
        form("/pay/card", Map.of("session", "" + another, "provider", "wert", "number", "4000000000000259", "exp", "12/30", "cvc", "123"));
        awaitStatus(another, "review");
        HttpResponse<String> maybe = send("POST", "/gateway/review.php", "Bearer " + apiKey, "{\"session_id\": " + another + ", \"decision\": \"maybe\"}");
        assertThat(maybe.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(maybe.body()).get("error").asText()).isEqualTo("invalid_decision");
        HttpResponse<String> longNote = send("POST", "/gateway/review.php", "Bearer " + apiKey, "{\"session_id\": " + another
                + ", \"decision\": \"approve\", \"note\": \"" + "x".repeat(501) + "\"}");
        assertThat(JSON.readTree(longNote.body()).get("error").asText()).as(longNote.body()).isEqualTo("invalid_note");
        HttpResponse<String> other = send("POST", "/admin/merchants", "Bearer hosted-admin-token",
                "{\"email\": \"other-reviewer@example.com\", \"domains\": [\"other.example\"]}");
        String otherKey = JSON.readTree(other.body()).get("api_key").asText();
        HttpResponse<String> foreign = send("POST", "/gateway/review.php", "Bearer " + otherKey, "{\"session_id\": " + another + ", \"decision\": \"approve\"}");
        assertThat(foreign.statusCode()).as("another merchant's session").isEqualTo(404);
        assertThat(JSON.readTree(foreign.body()).get("error").asText()).isEqualTo("not_found");
        HttpResponse<String> paid = send("POST", "/gateway/review.php", "Bearer " + apiKey, "{\"session_id\": " + sessions[0] + ", \"decision\": \"approve\"}");
        assertThat(paid.statusCode()).as("no longer in review").isEqualTo(409);
        assertThat(JSON.readTree(send("GET", "/gateway/status.php?session_id=" + another, "Bearer " + apiKey, null).body())
                .at("/session/status").asText()).as("nothing was decided by the refused requests").isEqualTo("review");
    }

    @Test
    void a_merchants_refund_goes_to_the_provider_that_took_the_payment() throws Exception {
        long session = create("H-REFUND", null);
        form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4242424242424242", "exp", "12/30", "cvc", "123"));
        awaitStatus(session, "paid");
        HttpResponse<String> refund = send("POST", "/gateway/refund.php", "Bearer " + apiKey, "{\"session_id\": " + session + ", \"amount\": \"10.00\"}");
        assertThat(refund.statusCode()).as(refund.body()).isEqualTo(200);
        assertThat(JSON.readTree(refund.body()).get("refunded_amount").asText()).isEqualTo("10.00");
        // Reserved first, then confirmed by the provider that took the payment, with its refund id.
        List<SessionEvent> events = eventsOf(session);
        var reserved = (dev.kassa.schemas.avro.RefundRecorded) events.get(events.size() - 2).getPayload();
        var confirmed = (dev.kassa.schemas.avro.RefundRecorded) events.get(events.size() - 1).getPayload();
        assertThat(reserved.getPhase()).isEqualTo(dev.kassa.schemas.avro.RefundPhase.RESERVED);
        assertThat(confirmed.getPhase()).isEqualTo(dev.kassa.schemas.avro.RefundPhase.RECORDED);
        assertThat(confirmed.getRefundId()).isEqualTo(reserved.getRefundId());
        assertThat(confirmed.getProviderRefundId()).startsWith("rf-wert-");
    }

    @Test
    void a_refund_the_provider_refuses_refunds_nothing_and_its_retry_answers_the_same() throws Exception {
        long session = create("H-REFUSED", null);
        form("/pay/card", Map.of("session", "" + session, "provider", "wert", "number", "4242424242424242", "exp", "12/30", "cvc", "123"));
        awaitStatus(session, "paid");
        try (GatewayServer wertDown = GatewayServer.start(bootstrap, 0, "hosted-admin-token", "http://localhost:8080", true,
                Map.of("kassa.gateway.unhealthy-providers", "wert"))) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> refund = HTTP.send(HttpRequest.newBuilder(URI.create(wertDown.url() + "/gateway/refund.php"))
                        .header("Authorization", "Bearer " + apiKey).header("Idempotency-Key", "refused-" + session)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": " + session + "}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(refund.statusCode()).as(refund.body()).isEqualTo(502);
                assertThat(JSON.readTree(refund.body()).get("error").asText()).isEqualTo("refund_refused");
                assertThat(JSON.readTree(refund.body()).get("refunded_amount").asText()).isEqualTo("0.00");
            }
        }
        List<SessionEvent> events = eventsOf(session);
        var refused = (dev.kassa.schemas.avro.RefundRecorded) events.get(events.size() - 1).getPayload();
        assertThat(refused.getPhase()).isEqualTo(dev.kassa.schemas.avro.RefundPhase.REFUSED);
        assertThat(events.get(events.size() - 1).getStatus().name()).isEqualTo("PAID");
    }

    @Test
    void operator_rules_and_provider_health_steer_the_choice() throws Exception {
        try (GatewayServer steered = GatewayServer.start(bootstrap, 0, "hosted-admin-token", "http://localhost:8080", true,
                Map.of("kassa.gateway.routing-rules", "off=wert; card=revolut,moonpay", "kassa.gateway.unhealthy-providers", "revolut"))) {
            HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(steered.url() + "/gateway/session.php"))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"hosted.example\",\"amount\":\"49.95\",\"currency\":\"EUR\","
                            + "\"order_id\":\"H-RULES\",\"method\":\"card\"}")).build(), HttpResponse.BodyHandlers.ofString());
            long session = JSON.readTree(created.body()).get("session_id").asLong();
            // revolut is preferred but down, wert is switched off: moonpay, the next in the operator's order.
            assertThat(JSON.readTree(created.body()).get("selected_provider").asText()).as(created.body()).isEqualTo("moonpay");
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(SessionHistory.read(dev.kassa.schemas.KafkaAccess.of(bootstrap), session).routes())
                    .singleElement().satisfies(r -> {
                        assertThat(r.getInputs().getRulesVersion()).startsWith("config:");
                        assertThat(r.getCandidates()).extracting(c -> c.getProvider() + ": " + c.getReason())
                                .startsWith("revolut: unhealthy now", "moonpay: eligible").contains("wert: switched off by the operator");
                    }));
        }
    }

    @Test
    void the_sandbox_exists_in_sandbox_mode_only() throws Exception {
        long session = create("H-LIVE", null);
        // A create is answered once appended; another gateway sees the session once the aggregate made it.
        await().atMost(Duration.ofSeconds(20)).until(() -> eventsOf(session).size() == 1);
        try (GatewayServer live = GatewayServer.start(bootstrap, 0, "hosted-admin-token", "http://localhost:8080", false)) {
            HttpResponse<String> sandbox = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + "/sandbox/sessions/" + session + "/pay"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"paid\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(sandbox.statusCode()).isEqualTo(404);
            assertThat(sandbox.body()).contains("sandbox mode only");
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + "/pay.php?session=" + session)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("No payment provider is configured").doesNotContain("Sandbox test cards");
            assertThat(page.body().split("<form", -1)).as("no payment form; only the buyer's cancel").hasSize(2);
            assertThat(page.body()).contains("action=\"/pay/cancel\"");
            for (String action : List.of("/pay/card", "/pay/approve", "/pay/3ds")) {
                HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + action))
                        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(
                                "session=" + session + "&provider=wert&method=card&number=4242424242424242&exp=12/30&cvc=123&decision=approve"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as(action).isEqualTo(404);
                assertThat(posted.body()).doesNotContain("4242");
            }
            HttpResponse<String> refund = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + "/gateway/refund.php"))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\": " + session + "}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refund.statusCode()).as(refund.body()).isEqualTo(409);
            assertThat(JSON.readTree(refund.body()).get("error").asText()).isEqualTo("no_live_provider");
        }
        assertThat(eventsOf(session)).hasSize(1);
    }

    @Test
    void an_unknown_checkout_answers_404_every_time_also_to_an_http2_upgrade() throws Exception {
        // The JDK client offers h2c on every request; a raw 404 returned by the controller once made the server loop
        // forever (about one form post in two) until the heap was gone. Twenty in a row, each bounded.
        for (int i = 0; i < 20; i++) {
            // A new client each time: a new connection, so every post is an upgrade attempt.
            HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> posted = h2c.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/pay/card"))
                    .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("session=" + (123 + i)
                            + "&provider=wert&method=card&number=4242424242424242&exp=12/30&cvc=123&decision=approve"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(404);
            assertThat(posted.body()).contains("Checkout not found").doesNotContain("4242");
        }
    }

    @Test
    void an_unknown_link_or_product_answers_404_every_time_also_to_an_http2_upgrade() throws Exception {
        // The same regression for the offer pages: posts and reads of a link code and a product slug nobody has.
        for (int i = 0; i < 20; i++) {
            for (String path : List.of("/link/no-such-code-" + i, "/p/no-such-product-" + i)) {
                HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).followRedirects(HttpClient.Redirect.NEVER).build();
                HttpResponse<String> posted = h2c.send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
                        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("email=buyer%40example.com")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).as("POST %s", path).isEqualTo(404);
                assertThat(posted.body()).contains("Checkout not found");
                HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
                HttpResponse<String> read = fresh.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(15))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(read.statusCode()).as("GET %s", path).isEqualTo(404);
            }
        }
    }

    private static long create(String order, String cancelUrl) throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + apiKey,
                "{\"domain\":\"hosted.example\",\"amount\":\"49.95\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\""
                        + (cancelUrl == null ? "" : ",\"cancel_url\":\"" + cancelUrl + "\"") + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("session_id").asLong();
    }

    private static void awaitStatus(long session, String status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(send("GET", "/gateway/status.php?session_id=" + session,
                "Bearer " + apiKey, null).body()).at("/session/status").asText().equals(status));
    }

    private static List<SessionEvent> eventsOf(long session) {
        return SessionHistory.read(dev.kassa.schemas.KafkaAccess.of(bootstrap), session).events();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> form(String path, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path))
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
