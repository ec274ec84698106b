package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.stripe.FakeStripe;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import org.apache.kafka.common.serialization.Serdes;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stripe as the live connector, end to end over a real broker and real HTTP, against {@link FakeStripe} (no internet
 * here): a gateway outside sandbox mode routes a card payment to Stripe, sends the buyer to the Checkout Session, takes
 * Stripe's signed events (twice, and an {@code expired} out of order), and refunds through Stripe's Refunds API.
 */
@ExtendWith(KafkaExtension.class)
class StripeEndToEndTest {

    private static final String ADMIN = "stripe-e2e-admin-token";
    private static final String WHSEC = "whsec_e2e_test_secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewayStack stack;
    private static GatewayServer live;
    private static FakeStripe stripe;
    private static String apiKey;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        stack = GatewayStack.start(kafka, "stripe-e2e", ADMIN);
        stripe = new FakeStripe(WHSEC);
        Path keyring = Files.writeString(Files.createTempDirectory("stripe-e2e").resolve("keyring"),
                "k1=" + java.util.Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'Q') + "\n");
        live = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", false, Map.of(
                "kassa.gateway.stripe.api-base", stripe.url(), "kassa.gateway.secrets-keyring", keyring.toString()));
        assertThat(live.awaitReady(Duration.ofSeconds(60))).isTrue();
        stripe.sendEventsTo(live.url() + "/api/providers/stripe/webhook");
        HttpResponse<String> merchant = send("POST", "/admin/merchants", "Bearer " + ADMIN,
                "{\"email\":\"stripe@shop.example\",\"domains\":[\"shop.example\"]}");
        assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
        apiKey = JSON.readTree(merchant.body()).get("api_key").asText();

        // No account yet: live mode has no provider, and says so.
        long before = create("S-0", "10.00", "EUR");
        assertThat(send("GET", "/pay.php?session=" + before, null, null).body()).doesNotContain("Continue to pay");
        HttpResponse<String> wrong = send("PUT", "/admin/providers/stripe", "Bearer " + ADMIN,
                "{\"secret_key\":\"pk_test_publishable\",\"webhook_secret\":\"" + WHSEC + "\"}");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_provider_account", "secret_key");
        assertThat(send("PUT", "/admin/providers/acme", "Bearer " + ADMIN, "{}").statusCode()).isEqualTo(404);
        // The operator adds the account through the operator API (kassa providers add stripe does the same).
        HttpResponse<String> added = send("PUT", "/admin/providers/stripe", "Bearer " + ADMIN,
                "{\"secret_key\":\"sk_test_kassa_e2e\",\"webhook_secret\":\"" + WHSEC + "\",\"currencies\":[\"EUR\",\"JPY\"]}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(added.body()).contains("\"sealed\":true").doesNotContain("sk_test", "whsec_");
        assertThat(send("GET", "/admin/providers", "Bearer " + ADMIN, null).body()).contains("\"provider\":\"stripe\"")
                .doesNotContain("sk_test", "whsec_");
        EventLogReplay.readToEnd(KafkaAccess.of(kafka.bootstrapServers()), Topics.PROVIDER_ACCOUNTS.name(), Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(), (k, v) -> assertThat(new String(v, StandardCharsets.ISO_8859_1))
                        .as("the keys are sealed on the topic").doesNotContain("sk_test_kassa_e2e", WHSEC));
    }

    /** A gateway whose keyring cannot open the account's keys takes no payment through it, and its page says so: never a 500. */
    @Test
    void a_gateway_that_cannot_open_the_accounts_keys_offers_no_provider(KafkaCluster kafka) throws Exception {
        long session = create("S-KEYRING", "10.00", "EUR");
        try (GatewayServer other = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", false,
                Map.of("kassa.gateway.stripe.api-base", stripe.url(), "kassa.gateway.views-application-id", "stripe-e2e-other-views"))) {
            assertThat(other.awaitReady(Duration.ofSeconds(60))).isTrue();
            // Its views restore from the topics: the session shows up there in a moment; until then the page is a 404, never a 500.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "/pay.php?session=" + session)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
                assertThat(page.body()).contains("No payment provider is configured");
            });
        }
    }

    @Test
    void a_currency_the_account_does_not_take_is_not_offered() throws Exception {
        long session = create("S-GBP", "10.00", "GBP");
        assertThat(send("GET", "/pay.php?session=" + session + "&method=card", null, null).body()).doesNotContain("Continue to pay");
    }

    @AfterAll
    static void stop() throws Exception {
        // Other test classes share this broker: their live gateways (without this keyring) find no Stripe account.
        HttpResponse<String> removed = send("DELETE", "/admin/providers/stripe", "Bearer " + ADMIN, null);
        assertThat(removed.body()).contains("\"removed\":true");
        live.close();
        stack.close();
        stripe.close();
    }

    @Test
    void a_card_payment_goes_through_stripe_checkout_and_is_refunded_through_stripe() throws Exception {
        long session = create("S-1", "49.95", "EUR");
        String checkoutUrl = startAtStripe(session);
        ObjectNode checkout = stripe.sessionAt(checkoutUrl);
        assertThat(checkout.get("amount_total").asLong()).isEqualTo(4995);
        assertThat(checkout.get("currency").asText()).isEqualTo("eur");
        assertThat(checkout.get("client_reference_id").asText()).isEqualTo(Long.toString(session));
        assertThat(checkout.get("success_url").asText()).isEqualTo("http://localhost:8080/pay.php?session=" + session);
        String attempt = checkout.get("metadata").get("kassa_attempt_id").asText();
        assertThat(stripe.requests).contains("POST /v1/checkout/sessions " + attempt);
        assertThat(status(session).get("status").asText()).isEqualTo("pending");

        // The buyer pays at Stripe: its event arrives twice, then a stale "expired" of the same session.
        String completed = stripe.complete(checkout.get("id").asText(), null, null);
        String expired = stripe.expired(checkout.get("id").asText());
        for (String event : new String[] {completed, completed, expired}) {
            HttpResponse<String> answer = stripe.send(event);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(session).get("status").asText()).isEqualTo("paid"));
        assertThat(status(session).get("amount").asText()).isEqualTo("49.95");

        HttpResponse<String> partial = send("POST", "/gateway/refund.php", "Bearer " + apiKey,
                "{\"session_id\": " + session + ", \"amount\": \"10.00\", \"refund_id\": \"rf-S-1-a\"}");
        assertThat(partial.statusCode()).as(partial.body()).isEqualTo(200);
        assertThat(JSON.readTree(partial.body()).get("refunded_amount").asText()).isEqualTo("10.00");
        assertThat(stripe.requests).anyMatch(r -> r.startsWith("POST /v1/refunds "));

        stripe.refuseNextRefund("Charge ch_1 has already been refunded.");
        HttpResponse<String> refused = send("POST", "/gateway/refund.php", "Bearer " + apiKey,
                "{\"session_id\": " + session + ", \"amount\": \"5.00\", \"refund_id\": \"rf-S-1-b\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(502);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("refund_refused");
        assertThat(refused.body()).contains("already been refunded");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(session).get("refunded_amount").asText()).isEqualTo("10.00"));
    }

    @Test
    void stripe_reporting_less_than_the_session_is_a_review_as_for_any_provider() throws Exception {
        long session = create("S-2", "20.00", "EUR");
        ObjectNode checkout = stripe.sessionAt(startAtStripe(session));
        HttpResponse<String> answer = stripe.send(stripe.complete(checkout.get("id").asText(), 1500L, null));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(status(session).get("status").asText()).isEqualTo("review"));
    }

    @Test
    void unsigned_wrongly_signed_stale_and_malformed_events_are_refused_and_change_nothing() throws Exception {
        long session = create("S-3", "12.00", "EUR");
        ObjectNode checkout = stripe.sessionAt(startAtStripe(session));
        String completed = stripe.complete(checkout.get("id").asText(), null, null);
        long now = Instant.now().getEpochSecond();
        for (String signature : new String[] {null, FakeStripe.signature(completed, now, "whsec_someone_else"),
                FakeStripe.signature(completed, now - 400, WHSEC)}) {
            HttpResponse<String> answer = stripe.send(completed, signature);
            assertThat(answer.statusCode()).as("as /api/webhook.php: invalid_signature is 401 (docs/ERRORS.md) " + answer.body()).isEqualTo(401);
            assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_signature");
        }
        String malformed = "{\"object\": \"event\", ";
        HttpResponse<String> bad = stripe.send(malformed, FakeStripe.signature(malformed, now, WHSEC));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asText()).isEqualTo("invalid_callback");
        assertThat(status(session).get("status").asText()).isEqualTo("pending");
        HttpResponse<String> other = stripe.send(stripe.event("customer.created", JSON.createObjectNode().put("id", "cus_1").put("object", "customer")));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(other.body()).get("outcome").asText()).isEqualTo("ignored");
    }

    /** The hosted page offers the card at Stripe; its button starts the attempt and answers 303 to the Checkout Session. */
    private static String startAtStripe(long session) throws Exception {
        HttpResponse<String> page = send("GET", "/pay.php?session=" + session + "&method=card", null, null);
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Continue to pay", "You pay on Stripe&#39;s secure page").doesNotContain("name=\"number\"");
        HttpResponse<String> pay = HTTP.send(HttpRequest.newBuilder(URI.create(live.url() + "/pay/approve"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("session", Long.toString(session), "provider", "stripe", "method", "card",
                        "decision", "approve")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(pay.statusCode()).as(pay.body()).isEqualTo(303);
        String location = pay.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(stripe.url() + "/c/pay/cs_test_");
        return location;
    }

    private static long create(String order, String amount, String currency) throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", "Bearer " + apiKey,
                "{\"domain\":\"shop.example\",\"amount\":\"" + amount + "\",\"currency\":\"" + currency + "\",\"order_id\":\"" + order + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        long id = JSON.readTree(created.body()).get("session_id").asLong();
        await().atMost(Duration.ofSeconds(20)).until(() -> send("GET", "/gateway/status.php?session_id=" + id, "Bearer " + apiKey, null)
                .statusCode() == 200);
        return id;
    }

    private static JsonNode status(long session) throws Exception {
        return JSON.readTree(send("GET", "/gateway/status.php?session_id=" + session, "Bearer " + apiKey, null).body()).get("session");
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(live.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
