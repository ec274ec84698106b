package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.INVALID_AMOUNT;
import static dev.kassa.model.ErrorCode.INVALID_TRANSITION;
import static dev.kassa.schemas.avro.SessionStatus.CREATED;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;

import dev.kassa.aggregate.domain.Decision.Applied;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.model.SessionFold;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One command being decided: builds events with the next sequence numbers and folds them (each checked against its table row). */
final class Step {

    /** A status the command leads to, with the event's payload. */
    record Transition(SessionStatus to, Object payload) {
    }

    final SessionState state;
    final SessionCommand command;
    final Instant now;
    final EventCause cause;
    /** The table's row that allowed this command, or null outside the table (a create, a known refund). */
    final SessionTransitions.Row row;

    Step(SessionState state, SessionCommand command, String digest, SessionTransitions.Row row) {
        this.state = state;
        this.command = command;
        this.row = row;
        this.now = command.getIssuedAt();
        this.cause = new EventCause(command.getCommandId(), command.getPayload().getClass().getSimpleName(),
                command.getActor(), digest);
    }

    Applied created(CreateSession c) {
        SessionCreated payload = new SessionCreated(c.getOrderId(), c.getAmountMinor(), c.getCurrency(), c.getShopDomain(),
                c.getCustomerEmail(), c.getReturnUrl(), c.getCancelUrl(), c.getMetaJson(), c.getExpiresAt(),
                c.getGraceSeconds(), c.getLatePaymentPolicy(), c.getMethodHint(), c.getProviderHint(), c.getSelectedProvider());
        SessionEvent event = event(command.getSessionId(), command.getMerchantId(), 1, CREATED, null, payload);
        return new Applied(List.of(event), SessionFold.evolve(null, event));
    }

    Applied apply(SessionStatus to, Object payload) {
        return applyAll(List.of(new Transition(to, payload)));
    }

    Applied applyAll(List<Transition> transitions) {
        List<SessionEvent> events = new ArrayList<>(transitions.size());
        SessionState current = state;
        for (Transition t : transitions) {
            SessionStatus from = current.getStatus();
            Set<SessionStatus> allowed = row != null && from == state.getStatus() ? row.to() : SessionTransitions.ALLOWED.get(from);
            if (!SessionTransitions.keepsStatus(from, t.to(), t.payload()) && !allowed.contains(t.to())) {
                // A bug in this class, not a user's mistake: nothing may bypass the table's row.
                throw new IllegalStateException("transition " + from + " -> " + t.to() + " is not in the table"
                        + (row == null ? "" : " (row " + row.kind() + " from " + row.from() + ")"));
            }
            SessionEvent event = event(current.getSessionId(), current.getMerchantId(), current.getSequence() + 1,
                    t.to(), from, t.payload());
            events.add(event);
            current = SessionFold.evolve(current, event);
        }
        return new Applied(events, current);
    }

    /** A refund the provider reports it made: recorded at once, within what is left after reservations. */
    Decision refund(String refundId, Long requested, String reason) {
        long left = SessionTransitions.refundable(state) - state.getRefundedMinor() - SessionTransitions.reserved(state);
        long amount = requested == null ? left : requested;
        Rejected invalid = refundAmount(amount, left);
        if (invalid != null) {
            return invalid;
        }
        boolean full = amount + state.getRefundedMinor() >= SessionTransitions.refundable(state);
        return apply(full ? REFUNDED : state.getStatus(), new RefundRecorded(refundId, amount, state.getRefundedMinor() + amount, full,
                reason, RefundPhase.RECORDED, null, null));
    }

    /** Null when {@code amount} may be refunded with {@code left} still refundable. */
    Rejected refundAmount(long amount, long left) {
        if (amount <= 0) {
            return new Rejected(INVALID_AMOUNT, "a refund must be more than 0; " + minor(left) + " is left to refund", state);
        }
        if (amount > left) {
            return new Rejected(INVALID_AMOUNT, "a refund of " + minor(amount) + " exceeds the " + minor(left)
                    + " left to refund", state);
        }
        if (state.getStatus() == REVIEW && amount + state.getRefundedMinor() < SessionTransitions.refundable(state)) {
            return new Rejected(INVALID_AMOUNT, "a session in review is refunded in full (" + minor(left) + ") or not at all", state);
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
        return new Rejected(INVALID_TRANSITION, "a " + state.getStatus().name().toLowerCase() + " session cannot " + what, state);
    }

    SessionEvent event(long sessionId, long merchantId, long sequence, SessionStatus status, SessionStatus previous, Object payload) {
        return SessionEvent.newBuilder()
                .setEventId("evt_" + sessionId + "_" + sequence)
                .setSessionId(sessionId)
                .setMerchantId(merchantId)
                .setSequence(sequence)
                .setOccurredAt(now)
                .setStatus(status)
                .setPreviousStatus(previous)
                .setCause(cause)
                .setPayload(payload)
                .build();
    }
}
