package dev.kassa.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StripeCheckoutTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    static SessionState session(long amountMinor, String currency, Duration ttl) {
        return SessionState.newBuilder().setSessionId(4242).setMerchantId(7).setOrderId("A-1").setStatus(SessionStatus.CREATED)
                .setAmountMinor(amountMinor).setCurrency(currency).setShopDomain("shop.example").setCreatedAt(NOW)
                .setExpiresAt(NOW.plus(ttl)).setGraceSeconds(60).setUpdatedAt(NOW).setSequence(1).build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void one_line_in_stripes_units_with_the_kassa_session_and_attempt_named_everywhere() {
        Map<String, Object> p = StripeCheckout.params(session(500, "JPY", Duration.ofHours(2)), "att-1", "https://pay.example", NOW).toMap();

        assertThat(p).containsEntry("mode", "payment").containsEntry("client_reference_id", "4242")
                .containsEntry("success_url", "https://pay.example/pay.php?session=4242")
                .containsEntry("cancel_url", "https://pay.example/pay.php?session=4242")
                .containsEntry("expires_at", NOW.plus(Duration.ofHours(2)).getEpochSecond());
        assertThat((Map<String, Object>) p.get("metadata")).containsEntry("kassa_session_id", "4242").containsEntry("kassa_attempt_id", "att-1");
        assertThat((Map<String, Object>) ((Map<String, Object>) p.get("payment_intent_data")).get("metadata"))
                .containsEntry("kassa_session_id", "4242").containsEntry("kassa_attempt_id", "att-1");
        Map<String, Object> price = (Map<String, Object>) ((List<Map<String, Object>>) p.get("line_items")).get(0).get("price_data");
        assertThat(price).containsEntry("currency", "jpy").containsEntry("unit_amount", 500L);
        assertThat((Map<String, Object>) price.get("product_data")).containsEntry("name", "Order A-1 at shop.example");
        assertThat(p).doesNotContainKey("customer_email");
    }

    @Test
    void the_expiry_is_the_kassa_sessions_within_what_stripe_allows() {
        assertThat(StripeCheckout.params(session(1000, "EUR", Duration.ofMinutes(15)), "a", "https://p", NOW).toMap().get("expires_at"))
                .as("Stripe's minimum: a later payment is a late one for Kassa").isEqualTo(NOW.plus(Duration.ofMinutes(31)).getEpochSecond());
        assertThat(StripeCheckout.params(session(1000, "EUR", Duration.ofDays(3)), "a", "https://p", NOW).toMap().get("expires_at"))
                .isEqualTo(NOW.plus(Duration.ofHours(23).plusMinutes(59)).getEpochSecond());
    }

    @Test
    void an_amount_stripe_cannot_take_starts_nothing() {
        assertThatThrownBy(() -> StripeCheckout.params(session(5125, "KWD", Duration.ofHours(1)), "a", "https://p", NOW))
                .hasMessageContaining("steps of 0.010");
    }
}
