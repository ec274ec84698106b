package dev.kassa.moneycheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.aggregate.domain.Decision;
import dev.kassa.aggregate.domain.Envelope;
import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.gateway.stripe.FakeStripe;
import dev.kassa.gateway.stripe.StripeAmounts;
import dev.kassa.gateway.stripe.StripeEvents;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Stripe's reports through the aggregate's own decider (docs/MONEY.md): a session is paid exactly when Stripe took at
 * least what it asked, in its currency; less, or another currency, is a review (money moved, a person looks); a replay
 * or a stale {@code expired} after the payment changes nothing (this property found that a stale failure turned a review
 * of money received into failed; the decider now refuses it with money_received). Over random amounts, currencies,
 * differences and orders of arrival.
 *
 * <p>Outside the gateway's packages on purpose: the gateway and the aggregate meet only on topics (ArchitectureTest);
 * this test joins Stripe's mapping and the aggregate's decider in one place to check them together.
 */
class StripeMoneyIntegrityTest {

    private static final String SECRET = "whsec_property";
    private static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Provide
    Arbitrary<String> currencies() {
        return Arbitraries.of("EUR", "USD", "JPY", "KWD", "BHD", "ISK", "GBP");
    }

    @Property(tries = 300)
    void paid_only_when_stripe_took_at_least_the_sessions_amount_in_its_currency(
            @ForAll @LongRange(min = 1, max = 100_000_000) long minor, @ForAll("currencies") String currency,
            @ForAll @IntRange(min = -2, max = 2) int stepsOff, @ForAll boolean otherCurrency, @ForAll @IntRange(min = 0, max = 2) int replays,
            @ForAll boolean staleExpiredFirst) throws Exception {
        long asked;
        long stripeAmount;
        try {
            stripeAmount = StripeAmounts.toStripe(minor, currency);
            asked = minor;
        } catch (IllegalArgumentException notChargeable) {
            Assume.that(false); // Stripe never gets such an amount: the attempt is refused before any request
            return;
        }
        long step = StripeAmounts.THREE_DECIMAL.contains(currency) ? 10 : currency.equals("ISK") ? 100 : 1;
        long taken = stripeAmount + stepsOff * step;
        Assume.that(taken > 0);
        String reportedCurrency = otherCurrency ? (currency.equals("EUR") ? "USD" : "EUR") : currency;
        Assume.that(!otherCurrency || fromStripeOk(taken, reportedCurrency));

        SessionState state = apply(null, command("c-1", T0, CreateSession.newBuilder().setOrderId("O-1").setAmountMinor(asked)
                .setCurrency(currency).setShopDomain("shop.example").setExpiresAt(T0.plusSeconds(3600)).setGraceSeconds(60)
                .setLatePaymentPolicy(LatePaymentPolicy.REVIEW).build()));
        state = apply(state, command("c-2", T0.plusSeconds(5), new StartPaymentAttempt("att-1", "card", "stripe", "cs_test_1", null)));
        assertThat(state.getStatus()).isEqualTo(SessionStatus.PENDING);

        ObjectNode checkout = JSON.createObjectNode().put("id", "cs_test_1").put("object", "checkout.session").put("amount_total", taken)
                .put("currency", reportedCurrency.toLowerCase()).put("payment_status", "paid").put("status", "complete")
                .put("payment_intent", "pi_1");
        checkout.putObject("metadata").put("kassa_session_id", "77").put("kassa_attempt_id", "att-1");
        try (FakeStripe stripe = new FakeStripe(SECRET)) {
            String paid = stripe.event("checkout.session.completed", checkout);
            ObjectNode open = checkout.deepCopy().put("payment_status", "unpaid").put("status", "expired");
            String expired = stripe.event("checkout.session.expired", open);
            List<String> arrivals = new java.util.ArrayList<>();
            if (staleExpiredFirst) {
                arrivals.add(paid);
                arrivals.add(expired);
            } else {
                arrivals.add(paid);
            }
            for (int i = 0; i < replays; i++) {
                arrivals.add(paid);
            }
            for (String event : arrivals) {
                state = report(state, event);
            }
        }
        boolean enough = taken >= stripeAmount && !otherCurrency;
        assertThat(state.getStatus()).as("asked %d %s, Stripe took %d %s", asked, currency, taken, reportedCurrency)
                .isEqualTo(enough ? SessionStatus.PAID : SessionStatus.REVIEW);
        if (enough) {
            assertThat(state.getPaidAmountMinor()).as("what Stripe took, in Kassa's units").isEqualTo(StripeAmounts.fromStripe(taken, currency));
        }
    }

    private static boolean fromStripeOk(long amount, String currency) {
        try {
            StripeAmounts.fromStripe(amount, currency);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static SessionState report(SessionState state, String event) throws Exception {
        Instant now = T0.plusSeconds(60);
        StripeEvents.Report report = StripeEvents.read(event, FakeStripe.signature(event, now.getEpochSecond(), SECRET), SECRET,
                Clock.fixed(now, ZoneOffset.UTC)).orElseThrow();
        return apply(state, command("provider:stripe:" + report.eventId(), now, report.toProviderReport(event.getBytes(StandardCharsets.UTF_8), now)));
    }

    private static SessionCommand command(String id, Instant at, Object payload) {
        return SessionCommand.newBuilder().setCommandId(id).setSessionId(77).setMerchantId(5).setIssuedAt(at)
                .setActor(payload instanceof CreateSession ? "merchant-api" : "provider:stripe").setPayload(payload).build();
    }

    /** The aggregate's decision folded; a refused or duplicate command leaves the state as it was. */
    private static SessionState apply(SessionState before, SessionCommand command) {
        Decision decision = SessionTransitions.decide(before, command);
        if (decision instanceof Decision.Accepted accepted) {
            List<SessionState> states = Envelope.append(before, command, accepted).states();
            return states.get(states.size() - 1);
        }
        return before;
    }
}
