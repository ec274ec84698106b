package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.IDEMPOTENCY_CONFLICT;
import static dev.kassa.model.ErrorCode.INVALID_TRANSITION;
import static dev.kassa.model.ErrorCode.NOT_FOUND;
import static dev.kassa.model.ErrorCode.TOO_MANY_REFUNDS;
import static dev.kassa.model.ErrorCode.UNEXPECTED_PROVIDER;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;

import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.RefundSettlement;
import dev.kassa.schemas.avro.SessionState;

/**
 * The session decider's refund rules, rows of {@link SessionTransitions#TABLE}: a refund the provider reports, a
 * merchant's refund reserved (or the same refund asked again), and the provider's answer that settles a reservation.
 * A session in review is refunded whole: its rows pass {@code wholeOnly}, the rules never look at the status.
 */
final class RefundRules {

    private RefundRules() {
    }

    static Decision refundReported(Step step) {
        return reported(step, false);
    }

    static Decision refundReportedInReview(Step step) {
        return reported(step, true);
    }

    private static Decision reported(Step step, boolean wholeOnly) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        if (!report.getProvider().equals(s.getProvider())) {
            return new Rejected(UNEXPECTED_PROVIDER, "a refund was reported by " + report.getProvider() + ", but the payment was taken by "
                    + s.getProvider() + "; recorded, nothing changed");
        }
        return step.refund("provider:" + report.getProviderEventId(), report.getAmountMinor(), "refunded by " + report.getProvider(), wholeOnly);
    }

    static Decision refundReserved(Step step) {
        return reserve(step, false);
    }

    static Decision refundReservedInReview(Step step) {
        return reserve(step, true);
    }

    /**
     * A merchant's refund is a reservation first: the amount is held (so concurrent refunds can never exceed what was
     * paid), the provider executes it, and its answer (a {@link RefundSettlement}) confirms or releases it. The same
     * refund asked again is not a new one.
     */
    private static Decision reserve(Step step, boolean wholeOnly) {
        SessionState s = step.state;
        RefundSession refund = (RefundSession) step.command.getPayload();
        RefundEntry known = known(s, refund.getRefundId());
        if (known != null) {
            return askedBefore(step, refund, known);
        }
        if (s.getRefunds().size() >= SessionTransitions.MAX_REFUNDS) {
            return new Rejected(TOO_MANY_REFUNDS, "session " + s.getSessionId() + " has had " + SessionTransitions.MAX_REFUNDS + " refunds");
        }
        long left = SessionTransitions.refundable(s) - s.getRefundedMinor() - SessionTransitions.reserved(s);
        long amount = refund.getAmountMinor() == null ? left : refund.getAmountMinor();
        Rejected invalid = step.refundAmount(amount, left, wholeOnly);
        if (invalid != null) {
            return invalid;
        }
        return step.apply(s.getStatus(), new RefundRecorded(refund.getRefundId(), amount, s.getRefundedMinor(), false, refund.getReason(),
                RefundPhase.RESERVED, null, refund.getMerchantRefundId()));
    }

    /** A refund in a status that takes none: only the same refund asked again (a merchant's retry) is answered, as before. */
    static Decision refundAskedAgain(Step step) {
        RefundSession refund = (RefundSession) step.command.getPayload();
        RefundEntry known = known(step.state, refund.getRefundId());
        return known != null ? askedBefore(step, refund, known) : step.invalid(step.row.kind().verb);
    }

    private static Decision askedBefore(Step step, RefundSession refund, RefundEntry known) {
        if (refund.getAmountMinor() != null && refund.getAmountMinor() != known.getAmountMinor()) {
            return new Rejected(IDEMPOTENCY_CONFLICT, "refund " + refund.getRefundId() + " was asked before for "
                    + known.getAmountMinor() + " minor units; use a new key for another refund");
        }
        return new Duplicate("refund " + refund.getRefundId() + " was asked before (" + known.getPhase().name().toLowerCase() + ")");
    }

    /** The provider's answer to a reservation: recorded (the money went back) or refused (the reservation released). */
    static Decision settle(Step step) {
        SessionState s = step.state;
        RefundSession refund = (RefundSession) step.command.getPayload();
        RefundEntry known = known(s, refund.getRefundId());
        if (known == null || known.getPhase() != RefundPhase.RESERVED) {
            return settledBefore(step);
        }
        RefundSettlement answer = refund.getSettlement();
        if (!answer.getAccepted()) {
            return step.apply(s.getStatus(), new RefundRecorded(known.getRefundId(), known.getAmountMinor(), s.getRefundedMinor(), false,
                    answer.getMessage(), RefundPhase.REFUSED, null, known.getMerchantRefundId()));
        }
        long total = s.getRefundedMinor() + known.getAmountMinor();
        boolean full = total >= SessionTransitions.refundable(s);
        return step.apply(full ? REFUNDED : s.getStatus(), new RefundRecorded(known.getRefundId(), known.getAmountMinor(), total, full,
                known.getReason(), RefundPhase.RECORDED, answer.getProviderRefundId(), known.getMerchantRefundId()));
    }

    /**
     * An answer in a status that holds no reservation (none is kept outside paid and review): a repeat of an answer
     * recorded before is a duplicate, a contrary one is refused, and one for a refund never reserved is not found.
     */
    static Decision settledBefore(Step step) {
        SessionState s = step.state;
        RefundSession refund = (RefundSession) step.command.getPayload();
        RefundEntry known = known(s, refund.getRefundId());
        if (known == null) {
            return new Rejected(NOT_FOUND, "no refund " + refund.getRefundId() + " was reserved for session " + s.getSessionId());
        }
        boolean same = known.getPhase() != RefundPhase.RESERVED && (known.getPhase() == RefundPhase.RECORDED) == refund.getSettlement().getAccepted();
        return same ? new Duplicate("refund " + known.getRefundId() + " was settled before")
                : new Rejected(INVALID_TRANSITION, "refund " + known.getRefundId() + " was already " + known.getPhase().name().toLowerCase());
    }

    static RefundEntry known(SessionState s, String refundId) {
        for (RefundEntry r : s.getRefunds()) {
            if (r.getRefundId().equals(refundId)) {
                return r;
            }
        }
        return null;
    }
}
