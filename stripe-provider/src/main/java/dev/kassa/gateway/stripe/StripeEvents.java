package dev.kassa.gateway.stripe;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import dev.kassa.router.Catalogue;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.ReportedStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stripe's events as Kassa's provider reports. The signature ({@code Stripe-Signature}) is checked by the SDK against
 * the endpoint's secret, within {@link #TOLERANCE}, before anything is read; then the four Checkout events of a Kassa
 * attempt become a report in the words the aggregate understands:
 * <ul>
 *   <li>{@code checkout.session.completed} with {@code payment_status=paid}, and {@code async_payment_succeeded}:
 *   {@code completed}, with the amount and currency Stripe reports (so the money-integrity rules apply as to any
 *   provider); the provider payment id is the Checkout Session's (the attempt's), its payment intent a reference;</li>
 *   <li>{@code checkout.session.completed} unpaid (a delayed method): {@code processing};</li>
 *   <li>{@code async_payment_failed}: {@code failed}; {@code expired} (the buyer never paid on Stripe's page):
 *   {@code failed} with {@code checkout_expired}, so the buyer may try again while the Kassa session is open.</li>
 * </ul>
 * Any other event, and a Checkout Session Kassa did not make (no Kassa metadata: the account serves others too), is
 * acknowledged and ignored. A replay or an event out of order is harmless: the aggregate keys reports by Stripe's event
 * id and never lets a later word undo a final one.
 */
public final class StripeEvents {

    /** Stripe's own default: a signature older than five minutes is a replay. */
    public static final Duration TOLERANCE = Duration.ofSeconds(300);

    /** A report for the aggregate; {@code amountMinor} and {@code currency} only when Stripe said what it took. */
    public record Report(String eventId, String type, long sessionId, String attemptId, String checkoutSessionId, String status,
                         Long amountMinor, String currency, String paymentIntentId, String failureCode, String failureMessage) {

        /**
         * The aggregate's command payload: Stripe's word for the aggregate to normalize, the Checkout Session as the
         * attempt's payment id, the payment intent as a reference (refunds use it), and what Stripe took.
         */
        public ProviderReport toProviderReport(byte[] payload, Instant reportedAt) {
            String digest;
            try {
                digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is part of every JDK", e);
            }
            return ProviderReport.newBuilder().setProvider(Catalogue.STRIPE.slug()).setProviderEventId(eventId).setProviderStatus(status)
                    .setStatus(ReportedStatus.UNKNOWN).setAttemptId(attemptId).setProviderPaymentId(checkoutSessionId)
                    .setReferences(paymentIntentId == null ? Map.of() : Map.of(StripePayments.PAYMENT_INTENT, paymentIntentId))
                    .setAmountMinor(amountMinor).setCurrency(currency).setFailureCode(failureCode).setFailureMessage(failureMessage)
                    .setPayloadSha256(digest).setReportedAt(reportedAt).build();
        }
    }

    /** Why a callback is refused (400): its signature, or its shape. */
    public static final class Refused extends Exception {
        private final boolean signature;

        Refused(boolean signature, String message) {
            super(message);
            this.signature = signature;
        }

        public boolean signature() {
            return signature;
        }
    }

    private StripeEvents() {
    }

    /**
     * The report in a signed Stripe event, or empty for one Kassa acknowledges and ignores.
     *
     * @throws Refused for an unsigned, wrongly signed, stale or malformed callback
     */
    public static Optional<Report> read(String payload, String signature, String secret, Clock clock) throws Refused {
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature == null ? "" : signature, secret, TOLERANCE.toSeconds(), clock);
        } catch (SignatureVerificationException e) {
            throw new Refused(true, "Stripe-Signature does not verify: " + e.getMessage());
        } catch (RuntimeException e) {
            // The SDK's JSON parser (Gson) throws its own unchecked exceptions for a body that is not an event.
            throw new Refused(false, "the body is not a Stripe event");
        }
        String type = event.getType();
        if (type == null || !type.startsWith("checkout.session.")) {
            return Optional.empty();
        }
        Session session;
        try {
            StripeObject object = event.getDataObjectDeserializer().getObject().orElse(null);
            session = (Session) (object != null ? object : event.getDataObjectDeserializer().deserializeUnsafe());
        } catch (EventDataObjectDeserializationException | RuntimeException e) {
            throw new Refused(false, "the event's data is not a Checkout Session");
        }
        Map<String, String> metadata = session.getMetadata() == null ? Map.of() : session.getMetadata();
        String kassaSession = metadata.get(StripeCheckout.SESSION_KEY);
        String attempt = metadata.get(StripeCheckout.ATTEMPT_KEY);
        if (kassaSession == null || attempt == null || !kassaSession.matches("\\d{1,19}")) {
            return Optional.empty();
        }
        long sessionId = Long.parseLong(kassaSession);
        String currency = session.getCurrency() == null ? null : session.getCurrency().toUpperCase(Locale.ROOT);
        Long amount = session.getAmountTotal() == null || currency == null ? null : StripeAmounts.fromStripe(session.getAmountTotal(), currency);
        return switch (type) {
            case "checkout.session.completed" -> Optional.of("paid".equals(session.getPaymentStatus())
                    ? new Report(event.getId(), type, sessionId, attempt, session.getId(), "completed", amount, currency, session.getPaymentIntent(), null, null)
                    : new Report(event.getId(), type, sessionId, attempt, session.getId(), "processing", null, null, session.getPaymentIntent(), null, null));
            case "checkout.session.async_payment_succeeded" ->
                    Optional.of(new Report(event.getId(), type, sessionId, attempt, session.getId(), "completed", amount, currency, session.getPaymentIntent(), null, null));
            case "checkout.session.async_payment_failed" -> Optional.of(new Report(event.getId(), type, sessionId, attempt, session.getId(), "failed", null, null,
                    session.getPaymentIntent(), "async_payment_failed", "the delayed payment failed at Stripe"));
            case "checkout.session.expired" -> Optional.of(new Report(event.getId(), type, sessionId, attempt, session.getId(), "failed", null, null,
                    session.getPaymentIntent(), "checkout_expired", "the buyer did not pay on Stripe's page in time"));
            default -> Optional.empty();
        };
    }
}
