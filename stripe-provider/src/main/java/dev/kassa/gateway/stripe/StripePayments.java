package dev.kassa.gateway.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Refund;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundCreateParams;
import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.payments.LiveProviders;
import dev.kassa.gateway.payments.PaymentConnector;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Provider;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live connector for Stripe, outside sandbox mode. An attempt is a Stripe Checkout Session ({@link StripeCheckout})
 * made first, with the Kassa attempt id as its {@code Idempotency-Key}, then recorded with the aggregate (the attempt's
 * provider payment id is the Checkout Session's id); the buyer is sent to its URL and comes back to the hosted status
 * page. Stripe's verdict arrives as signed events ({@link StripeWebhookController}). A refund is Stripe's Refunds API
 * against the payment intent, Kassa's refund id as the idempotency key.
 */
@Singleton
@Requires(property = "kassa.gateway.development", notEquals = "true")
public final class StripePayments implements PaymentConnector, LiveProviders {

    private static final Logger LOG = LoggerFactory.getLogger(StripePayments.class);
    static final String PAYMENT_INTENT = "payment_intent";

    private final StripeAccounts accounts;
    private final CommandBus commandBus;
    private final SessionCommands commands;
    private final GatewaySettings settings;

    StripePayments(StripeAccounts accounts, CommandBus commandBus, SessionCommands commands, GatewaySettings settings) {
        this.accounts = accounts;
        this.commandBus = commandBus;
        this.commands = commands;
        this.settings = settings;
    }

    @Override
    public boolean configured() {
        return accounts.current().isPresent();
    }

    /** Stripe for cards, in the currencies the operator's account names (all Stripe's when it names none), once configured. */
    @Override
    public List<Provider> providers() {
        return accounts.current().map(a -> {
            Provider stripe = Catalogue.STRIPE;
            Set<String> currencies = a.currencies().isEmpty() ? stripe.currencies() : a.currencies();
            return List.of(new Provider(stripe.slug(), stripe.layer(), stripe.methods(), currencies, stripe.minAmountMinor(), stripe.countries()));
        }).orElse(List.of());
    }

    /** The SDK client of the account in use; refused when none is (an attempt or refund raced the account's removal). */
    private StripeClient stripe() {
        return accounts.current().map(StripeAccounts.Account::client)
                .orElseThrow(() -> new IllegalStateException("no Stripe account is configured"));
    }

    @Override
    public boolean paysOnItsOwnPage(String provider) {
        return Catalogue.STRIPE.slug().equals(provider);
    }

    @Override
    public Started startAttempt(AttemptRequest request) throws InterruptedException {
        SessionState session = request.session();
        String attemptId = "att-" + UUID.randomUUID().toString().substring(0, 13);
        Session checkout;
        StripeClient stripe;
        try {
            stripe = stripe();
            checkout = stripe.v1().checkout().sessions().create(StripeCheckout.params(session, attemptId, settings.publicUrl(), commands.now()),
                    RequestOptions.builder().setIdempotencyKey(attemptId).build());
        } catch (IllegalArgumentException e) {
            return new Started(null, Catalogue.STRIPE.slug(), "amount_not_supported", e.getMessage());
        } catch (IllegalStateException e) {
            return new Started(null, Catalogue.STRIPE.slug(), "no_live_provider", "card payments are not configured here");
        } catch (StripeException e) {
            // The exception's kind, status and code say what went wrong (no answer at all: ApiConnectionException, status 0).
            LOG.warn("Stripe did not make a Checkout Session for session {}: {} (HTTP {}, code {})", session.getSessionId(),
                    e.getClass().getSimpleName(), e.getStatusCode(), e.getCode());
            return new Started(null, Catalogue.STRIPE.slug(), "provider_error", "the card payment could not be started; try again in a moment");
        }
        CommandResult result;
        try {
            result = commandBus.send(commands.of("attempt-" + attemptId, session.getSessionId(), session.getMerchantId(), "hosted-page",
                    new StartPaymentAttempt(attemptId, request.method(), Catalogue.STRIPE.slug(), checkout.getId(), request.payer())),
                    Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            expire(stripe, checkout.getId());
            return new Started(null, Catalogue.STRIPE.slug(), "unavailable", "the payment could not be started in time; try again");
        }
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            expire(stripe, checkout.getId()); // nobody will pay it: close it at Stripe too
            return new Started(null, Catalogue.STRIPE.slug(), result.getErrorCode() == null ? "invalid_transition" : result.getErrorCode(),
                    result.getMessage() == null ? "this checkout cannot take a payment now" : result.getMessage());
        }
        return new Started(attemptId, Catalogue.STRIPE.slug(), null, null, checkout.getUrl());
    }

    /** Best effort: a Checkout Session Kassa will not use is closed at Stripe; if that fails it expires on its own. */
    private static void expire(StripeClient stripe, String checkoutSessionId) {
        try {
            stripe.v1().checkout().sessions().expire(checkoutSessionId, RequestOptions.getDefault());
        } catch (StripeException e) {
            LOG.warn("Stripe Checkout Session {} could not be expired ({}); it expires on its own", checkoutSessionId, e.getCode());
        }
    }

    @Override
    public RefundAnswer refund(SessionState session, String refundId, long amountMinor) {
        try {
            StripeClient stripe = stripe();
            String paymentIntent = session.getReferences().get(PAYMENT_INTENT);
            if (paymentIntent == null && session.getProviderPaymentId() != null) {
                paymentIntent = stripe.v1().checkout().sessions().retrieve(session.getProviderPaymentId(), RequestOptions.getDefault())
                        .getPaymentIntent();
            }
            if (paymentIntent == null) {
                return new RefundAnswer(false, null, "Stripe has no payment for this session to refund");
            }
            String currency = session.getPaidCurrency() != null ? session.getPaidCurrency() : session.getCurrency();
            Refund refund = stripe.v1().refunds().create(RefundCreateParams.builder().setPaymentIntent(paymentIntent)
                            .setAmount(StripeAmounts.toStripe(amountMinor, currency))
                            .putMetadata(StripeCheckout.SESSION_KEY, Long.toString(session.getSessionId()))
                            .putMetadata("kassa_refund_id", refundId).build(),
                    RequestOptions.builder().setIdempotencyKey(refundId).build());
            if ("failed".equals(refund.getStatus()) || "canceled".equals(refund.getStatus())) {
                return new RefundAnswer(false, refund.getId(), "Stripe: " + (refund.getFailureReason() == null ? refund.getStatus() : refund.getFailureReason()));
            }
            return new RefundAnswer(true, refund.getId(), null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return new RefundAnswer(false, null, e.getMessage());
        } catch (StripeException e) {
            String reason = e.getStripeError() != null && e.getStripeError().getMessage() != null ? e.getStripeError().getMessage() : e.getCode();
            return new RefundAnswer(false, null, "Stripe: " + reason);
        }
    }

    /** Stripe's events are verified by their own endpoint ({@link StripeWebhookController}), not by {@code /api/webhook.php}. */
    @Override
    public String callbackSecret(String provider) {
        return null;
    }
}
