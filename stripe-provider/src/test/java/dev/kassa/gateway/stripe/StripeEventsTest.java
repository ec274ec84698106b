package dev.kassa.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stripe's events as reports, signed with Stripe's scheme by the fake and verified by the SDK. */
class StripeEventsTest {

    private static final String SECRET = "whsec_test_secret";
    private final FakeStripe stripe = newFake();

    private static FakeStripe newFake() {
        try {
            return new FakeStripe(SECRET);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        stripe.close();
    }

    private String checkout(long amount, String currency) {
        ObjectNode s = new ObjectMapper().createObjectNode().put("id", "cs_test_9").put("object", "checkout.session")
                .put("amount_total", amount).put("currency", currency).put("payment_status", "unpaid").put("status", "open")
                .put("url", "https://checkout.example/cs_test_9");
        s.putNull("payment_intent");
        s.putObject("metadata").put("kassa_session_id", "4242").put("kassa_attempt_id", "att-1");
        return s.toString();
    }

    private StripeEvents.Report read(String payload) throws Exception {
        Instant now = Instant.now();
        return StripeEvents.read(payload, FakeStripe.signature(payload, now.getEpochSecond(), SECRET), SECRET, Clock.fixed(now, ZoneOffset.UTC))
                .orElse(null);
    }

    private ObjectNode object(String json) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(json);
    }

    @Test
    void a_paid_checkout_is_completed_with_what_stripe_took_in_kassas_units() throws Exception {
        ObjectNode paid = object(checkout(12340, "kwd")).put("payment_status", "paid").put("status", "complete").put("payment_intent", "pi_9");
        StripeEvents.Report report = read(stripe.event("checkout.session.completed", paid));

        assertThat(report.sessionId()).isEqualTo(4242);
        assertThat(report.attemptId()).isEqualTo("att-1");
        assertThat(report.checkoutSessionId()).isEqualTo("cs_test_9");
        assertThat(report.status()).isEqualTo("completed");
        assertThat(report.amountMinor()).isEqualTo(12340);
        assertThat(report.currency()).isEqualTo("KWD");
        assertThat(report.paymentIntentId()).isEqualTo("pi_9");
    }

    @Test
    void each_checkout_event_has_its_word_and_others_are_ignored() throws Exception {
        ObjectNode open = object(checkout(500, "jpy"));
        assertThat(read(stripe.event("checkout.session.completed", open)).status()).as("unpaid: a delayed method").isEqualTo("processing");
        assertThat(read(stripe.event("checkout.session.async_payment_succeeded", open.deepCopy().put("payment_status", "paid"))))
                .satisfies(r -> assertThat(r.status()).isEqualTo("completed")).satisfies(r -> assertThat(r.amountMinor()).isEqualTo(500));
        assertThat(read(stripe.event("checkout.session.async_payment_failed", open)).failureCode()).isEqualTo("async_payment_failed");
        assertThat(read(stripe.event("checkout.session.expired", open))).satisfies(r -> assertThat(r.status()).isEqualTo("failed"))
                .satisfies(r -> assertThat(r.failureCode()).isEqualTo("checkout_expired"));
        assertThat(read(stripe.event("customer.created", object("{\"id\":\"cus_1\",\"object\":\"customer\"}")))).isNull();
        ObjectNode notOurs = object(checkout(500, "eur"));
        notOurs.putObject("metadata");
        assertThat(read(stripe.event("checkout.session.completed", notOurs))).as("another integration's session").isNull();
    }

    @Test
    void unsigned_wrongly_signed_stale_and_malformed_callbacks_are_refused() throws Exception {
        String payload = stripe.event("checkout.session.completed", object(checkout(1000, "eur")));
        Instant now = Instant.now();
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        assertThatThrownBy(() -> StripeEvents.read(payload, null, SECRET, clock)).isInstanceOf(StripeEvents.Refused.class)
                .matches(e -> ((StripeEvents.Refused) e).signature());
        assertThatThrownBy(() -> StripeEvents.read(payload, FakeStripe.signature(payload, now.getEpochSecond(), "whsec_other"), SECRET, clock))
                .isInstanceOf(StripeEvents.Refused.class);
        assertThatThrownBy(() -> StripeEvents.read(payload, FakeStripe.signature(payload, now.getEpochSecond() - 301, SECRET), SECRET, clock))
                .as("older than 300 s: a replay").isInstanceOf(StripeEvents.Refused.class);
        assertThatThrownBy(() -> StripeEvents.read(payload + " ", FakeStripe.signature(payload, now.getEpochSecond(), SECRET), SECRET, clock))
                .as("one byte changed").isInstanceOf(StripeEvents.Refused.class);
        String malformed = "{\"id\": ";
        assertThatThrownBy(() -> StripeEvents.read(malformed, FakeStripe.signature(malformed, now.getEpochSecond(), SECRET), SECRET, clock))
                .isInstanceOf(StripeEvents.Refused.class).matches(e -> !((StripeEvents.Refused) e).signature());
    }
}
