package dev.kassa.gateway.payments;

import dev.kassa.router.RouteDecision;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.SessionState;
import java.util.Map;

/**
 * One payment provider integration (SPEC.md, Routing and providers): it starts a payment attempt, executes a refund
 * the aggregate reserved, and names the secret a provider's callbacks are verified with. The sandbox is one
 * implementation and exists only in sandbox mode; outside it the live connector configured (Stripe, its own module)
 * serves, and without one the hosted page, refunds and {@code /pay/*} say that no provider is configured.
 */
public interface PaymentConnector {

    /**
     * Starts an attempt at {@code request.provider()}: the attempt is a command to the aggregate (which records its id,
     * provider and provider payment id), and the provider reports its outcome later by signed callbacks.
     */
    public Started startAttempt(AttemptRequest request) throws InterruptedException;

    /**
     * Executes a refund that the aggregate has reserved, at the provider that took the payment. Idempotent on
     * {@code refundId}: asking again for the same refund gives the same answer and moves no more money.
     */
    public RefundAnswer refund(SessionState session, String refundId, long amountMinor);

    /** The secret {@code provider} signs its callbacks with, or null when this connector does not serve it. */
    public String callbackSecret(String provider);

    /**
     * What the buyer asked for: {@code buyerInput} holds the form's fields (a card number stays in this request and
     * only its last four digits go on as a reference); {@code payer} what the buyer answered to the session's questions (null:
     * none asked), which the attempt carries to the session.
     */
    public record AttemptRequest(SessionState session, Merchant merchant, String method, String provider, RouteDecision route,
                          Map<String, String> buyerInput, Payer payer) {
    }

    /**
     * A started attempt, or why it could not start; {@code redirectUrl}: where the buyer pays, on the provider's own
     * page (null: the provider needs no page of its own, as the sandbox).
     */
    public record Started(String attemptId, String provider, String error, String message, String redirectUrl) {
        public Started(String attemptId, String provider, String error, String message) {
            this(attemptId, provider, error, message, null);
        }

        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Whether {@code provider} takes the buyer to its own page to pay (no card data on Kassa's page): the hosted page
     * then offers a button that starts the attempt and sends the buyer there.
     */
    default boolean paysOnItsOwnPage(String provider) {
        return false;
    }

    /** Whether it can take a payment now: a live connector is present before the operator adds its account. */
    default boolean configured() {
        return true;
    }

    /** The provider's answer to a refund: accepted with its refund id, or refused with why. */
    public record RefundAnswer(boolean accepted, String providerRefundId, String message) {
    }
}
