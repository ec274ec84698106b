package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.INVALID_AMOUNT;
import static dev.kassa.model.ErrorCode.INVALID_TRANSITION;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;

import dev.kassa.aggregate.domain.Decision.Accepted;
import dev.kassa.aggregate.domain.Decision.Change;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** One command being decided by the row of the table that allows it: what the rules read, and the events they accept. */
final class Step {

    /** The session before the command; null for a create. */
    final SessionState state;
    final SessionCommand command;
    final Instant now;
    final String digest;
    /** The table's row that allowed this command. */
    final SessionTransitions.Row row;

    Step(SessionState state, SessionCommand command, String digest, SessionTransitions.Row row) {
        this.state = state;
        this.command = command;
        this.row = row;
        this.digest = digest;
        this.now = command.getIssuedAt();
    }

    Accepted apply(SessionStatus to, Object payload) {
        return applyAll(List.of(new Change(to, payload)));
    }

    /** Accepted, after checking each change against the row (the first) and the table (any later one). */
    Accepted applyAll(List<Change> changes) {
        SessionStatus from = state == null ? null : state.getStatus();
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            Set<SessionStatus> allowed = i == 0 ? row.to() : SessionTransitions.ALLOWED.get(from);
            if (!SessionTransitions.keepsStatus(from, change.status(), change.payload()) && !allowed.contains(change.status())) {
                // A bug in a rule, not a user's mistake: nothing may bypass the table's row.
                throw new IllegalStateException("transition " + from + " -> " + change.status() + " is not in the table (row "
                        + row.kind() + " from " + row.from() + ")");
            }
            from = change.status();
        }
        return new Accepted(changes, digest);
    }

    /** A refund the provider reports it made: recorded at once, within what is left after reservations. */
    Decision refund(String refundId, Long requested, String reason, boolean wholeOnly) {
        long left = SessionTransitions.refundable(state) - state.getRefundedMinor() - SessionTransitions.reserved(state);
        long amount = requested == null ? left : requested;
        Rejected invalid = refundAmount(amount, left, wholeOnly);
        if (invalid != null) {
            return invalid;
        }
        boolean full = amount + state.getRefundedMinor() >= SessionTransitions.refundable(state);
        return apply(full ? REFUNDED : state.getStatus(), new RefundRecorded(refundId, amount, state.getRefundedMinor() + amount, full,
                reason, RefundPhase.RECORDED, null, null));
    }

    /**
     * Null when {@code amount} may be refunded with {@code left} still refundable; {@code wholeOnly} for a session in
     * review, which is refunded in full or not at all (its row says so, the rule does not look at the status).
     */
    Rejected refundAmount(long amount, long left, boolean wholeOnly) {
        if (amount <= 0) {
            return new Rejected(INVALID_AMOUNT, "a refund must be more than 0; " + minor(left) + " is left to refund");
        }
        if (amount > left) {
            return new Rejected(INVALID_AMOUNT, "a refund of " + minor(amount) + " exceeds the " + minor(left) + " left to refund");
        }
        if (wholeOnly && amount + state.getRefundedMinor() < SessionTransitions.refundable(state)) {
            return new Rejected(INVALID_AMOUNT, "a session in review is refunded in full (" + minor(left) + ") or not at all");
        }
        return null;
    }

    private String minor(long amount) {
        return amount + " minor units of " + state.getCurrency();
    }

    ProviderReport report() {
        return (ProviderReport) command.getPayload();
    }

    Rejected invalid(String what) {
        return new Rejected(INVALID_TRANSITION, "a " + state.getStatus().name().toLowerCase() + " session cannot " + what);
    }
}
