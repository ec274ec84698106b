package dev.kassa.gateway.stripe;

import com.stripe.param.checkout.SessionCreateParams;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The Stripe Checkout Session of one Kassa attempt: {@code payment} mode, one line for the session's amount in Stripe's
 * units ({@link StripeAmounts}), the Kassa session as {@code client_reference_id} and in the metadata of the session
 * and of its payment intent (so a refund Stripe reports later names it too), success and cancel URLs back to the hosted
 * status page, and an expiry.
 *
 * <p>Stripe keeps a Checkout Session open between 30 minutes and 24 hours. Kassa asks for the Kassa session's own
 * {@code expires_at}, but at least 31 minutes from now: when the Kassa session expires sooner, a payment Stripe still
 * takes is a late payment and follows the merchant's late-payment policy (inside the grace window: paid late; after
 * it: review or automatic refund), exactly as for any provider. The buyer's e-mail is not sent: Stripe asks for what it
 * needs on its page.
 */
public final class StripeCheckout {

    public static final String SESSION_KEY = "kassa_session_id";
    public static final String ATTEMPT_KEY = "kassa_attempt_id";
    public static final String MERCHANT_KEY = "kassa_merchant_id";
    static final Duration STRIPE_MINIMUM = Duration.ofMinutes(31);
    static final Duration STRIPE_MAXIMUM = Duration.ofHours(23).plusMinutes(59);

    private StripeCheckout() {
    }

    /**
     * @throws IllegalArgumentException when Stripe cannot take the amount as it is
     */
    public static SessionCreateParams params(SessionState session, String attemptId, String publicUrl, Instant now) {
        String back = publicUrl + "/pay.php?session=" + session.getSessionId();
        Instant expires = session.getExpiresAt();
        if (expires.isBefore(now.plus(STRIPE_MINIMUM))) {
            expires = now.plus(STRIPE_MINIMUM);
        } else if (expires.isAfter(now.plus(STRIPE_MAXIMUM))) {
            expires = now.plus(STRIPE_MAXIMUM);
        }
        String name = session.getDescription() != null && !session.getDescription().isBlank() ? session.getDescription()
                : "Order " + session.getOrderId() + " at " + session.getShopDomain();
        String sessionId = Long.toString(session.getSessionId());
        String merchantId = Long.toString(session.getMerchantId());
        return SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .addPaymentMethodType(SessionCreateParams.PaymentMethodType.CARD)
                .setClientReferenceId(sessionId)
                .putMetadata(SESSION_KEY, sessionId).putMetadata(ATTEMPT_KEY, attemptId).putMetadata(MERCHANT_KEY, merchantId)
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .putMetadata(SESSION_KEY, sessionId).putMetadata(ATTEMPT_KEY, attemptId).putMetadata(MERCHANT_KEY, merchantId).build())
                .setSuccessUrl(back)
                .setCancelUrl(back)
                .setExpiresAt(expires.getEpochSecond())
                .addLineItem(SessionCreateParams.LineItem.builder().setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(session.getCurrency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(StripeAmounts.toStripe(session.getAmountMinor(), session.getCurrency()))
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName(name.length() > 250 ? name.substring(0, 250) : name).build())
                                .build())
                        .build())
                .build();
    }
}
