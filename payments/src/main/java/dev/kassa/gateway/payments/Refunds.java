package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.CommandSender;
import dev.kassa.gateway.kafka.SessionLookup;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.RefundSettlement;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A refund in three steps (SPEC.md, Money integrity): the aggregate reserves it (so that concurrent refunds can never
 * add up to more than was paid), the connector has the provider execute it, and the provider's answer is recorded as
 * a confirmation or a refusal. Every step is keyed by the refund id, so a retry — of the merchant's request, or after
 * this gateway died between two steps — finds the reservation and finishes it, and answers the same.
 */
@Singleton
public final class Refunds {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final CommandSender aggregate;
    private final SessionLookup sessions;
    private final PaymentConnector connector;

    private final SessionCommands commands;

    public Refunds(CommandSender aggregate, SessionLookup sessions, Optional<PaymentConnector> connector,
                   SessionCommands commands) {
        this.commands = commands;
        this.aggregate = aggregate;
        this.sessions = sessions;
        this.connector = connector.orElse(null);
    }

    /** Where a refund ended: the session after it and the refund's entry (phase RECORDED or REFUSED). */
    public record Result(SessionState session, RefundEntry refund) {
        public boolean refused() {
            return refund.getPhase() == RefundPhase.REFUSED;
        }
    }

    /** Refuses at once, before anything is reserved, when no connector could execute a refund. */
    public void requireConnector() {
        if (connector == null || !connector.configured()) {
            throw new ApiError(ErrorCode.NO_LIVE_PROVIDER, "refunds are executed by a payment provider, and no live "
                    + "provider connector is configured on this Kassa (only sandbox mode has one); nothing was refunded");
        }
    }

    /** Reserves refund {@code refundId} ({@code amountMinor} null: all that is left), executes it and records the answer. */
    public Result refund(SessionState state, String refundId, Long amountMinor, String reason, String actor) throws InterruptedException {
        return refund(state, refundId, null, amountMinor, reason, actor);
    }

    /** The same, with the merchant's own name for the refund ({@code merchantRefundId}: its Idempotency-Key, or null). */
    public Result refund(SessionState state, String refundId, String merchantRefundId, Long amountMinor, String reason, String actor)
            throws InterruptedException {
        requireConnector();
        CommandResult reserved = send(command(state, "refund-" + Secrets.sha256(state.getSessionId() + "\n" + refundId), actor,
                new RefundSession(refundId, amountMinor, reason, null, merchantRefundId)));
        if (reserved.getOutcome() == CommandOutcome.FLAGGED) {
            throw new ApiError(ErrorCode.IDEMPOTENCY_CONFLICT,
                    "this refund id (Idempotency-Key) was used before with another amount; use a new key for another refund");
        }
        if (reserved.getOutcome() == CommandOutcome.REJECTED) {
            throw ApiError.refused(reserved);
        }
        return finish(state.getSessionId(), refundId, reserved.getSequence() == null ? 1 : reserved.getSequence(), actor);
    }

    /**
     * Executes a refund the aggregate has reserved (by a merchant's refund, or a review's REFUND resolution) unless it is
     * settled already, and records the provider's answer.
     */
    public Result finish(long sessionId, String refundId, long sequence, String actor) throws InterruptedException {
        SessionState after = sessions.session(sessionId, sequence, COMMAND_TIMEOUT);
        RefundEntry entry = after == null ? null : entry(after, refundId);
        if (entry == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the refund is reserved but not visible here yet; retry with the same key");
        }
        if (entry.getPhase() != RefundPhase.RESERVED) {
            return new Result(after, entry);
        }
        requireConnector();
        PaymentConnector.RefundAnswer answer = connector.refund(after, refundId, entry.getAmountMinor());
        CommandResult settled = send(command(after, "settle-" + Secrets.sha256(sessionId + "\n" + refundId), actor,
                new RefundSession(refundId, null, null, new RefundSettlement(answer.accepted(), answer.providerRefundId(), answer.message()), null)));
        if (settled.getOutcome() == CommandOutcome.REJECTED || settled.getOutcome() == CommandOutcome.FLAGGED) {
            throw ApiError.refused(settled);
        }
        SessionState done = sessions.session(sessionId, settled.getSequence() == null ? after.getSequence() : settled.getSequence(), COMMAND_TIMEOUT);
        RefundEntry result = done == null ? null : entry(done, refundId);
        if (result == null || result.getPhase() == RefundPhase.RESERVED) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the provider answered; retry with the same key to read the result");
        }
        return new Result(done, result);
    }

    public static RefundEntry entry(SessionState state, String refundId) {
        for (RefundEntry r : state.getRefunds()) {
            if (r.getRefundId().equals(refundId)) {
                return r;
            }
        }
        return null;
    }

    private SessionCommand command(SessionState state, String commandId, String actor, RefundSession payload) {
        return commands.of(commandId, state.getSessionId(), state.getMerchantId(), actor, payload);
    }

    private CommandResult send(SessionCommand command) throws InterruptedException {
        return aggregate.sendOrUnavailable(command);
    }
}
