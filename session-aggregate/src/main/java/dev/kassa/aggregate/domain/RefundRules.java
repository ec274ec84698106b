package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.IDEMPOTENCY_CONFLICT;
import static dev.kassa.model.ErrorCode.INVALID_TRANSITION;
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
import dev.kassa.schemas.avro.SessionStatus;

/**
 * The session decider's refund rules: a merchant's refund reserved, a refund the provider reports, and a refund the
 * session already knows (asked again, or settled by the provider's answer). Rows of {@link SessionTransitions#TABLE}
 * name the first two; {@link SessionTransitions#decide} sends the third here before the table.
 */
final class RefundRules {

    private RefundRules() {
    }

    static Decision refundReported(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        if (!report.getProvider().equals(s.getProvider())) {
            return new Rejected(UNEXPECTED_PROVIDER, "a refund was reported by " + report.getProvider() + ", but the payment was taken by "
                    + s.getProvider() + "; recorded, nothing changed", s);
        }
        return step.refund("provider:" + report.getProviderEventId(), report.getAmountMinor(), "refunded by " + report.getProvider());
    }

    /**
     * A merchant's refund is a reservation first: the amount is held (so concurrent refunds can never exceed what was
     * paid), the provider executes it, and its answer (a {@link RefundSettlement}) confirms or releases it.
     */
    static Decision refundReserved(Step step) {
        SessionState s = step.state;
        RefundSession refund = (RefundSession) step.command.getPayload();
        if (s.getRefunds().size() >= SessionTransitions.MAX_REFUNDS) {
            return new Rejected(TOO_MANY_REFUNDS, "session " + s.getSessionId() + " has had " + SessionTransitions.MAX_REFUNDS + " refunds", s);
        }
        long left = SessionTransitions.refundable(s) - s.getRefundedMinor() - SessionTransitions.reserved(s);
        long amount = refund.getAmountMinor() == null ? left : refund.getAmountMinor();
        Rejected invalid = step.refundAmount(amount, left);
        if (invalid != null) {
            return invalid;
        }
        return step.apply(s.getStatus(), new RefundRecorded(refund.getRefundId(), amount, s.getRefundedMinor(), false, refund.getReason(),
                RefundPhase.RESERVED, null, refund.getMerchantRefundId()));
    }

    static RefundEntry known(SessionState s, String refundId) {
        for (RefundEntry r : s.getRefunds()) {
            if (r.getRefundId().equals(refundId)) {
                return r;
            }
        }
        return null;
    }

    static Decision knownRefund(Step step, RefundSession refund, RefundEntry known) {
        if (refund.getSettlement() != null) {
            return settle(step, refund, known);
        }
        if (refund.getAmountMinor() != null && refund.getAmountMinor() != known.getAmountMinor()) {
            return new Rejected(IDEMPOTENCY_CONFLICT, "refund " + refund.getRefundId() + " was asked before for "
                    + known.getAmountMinor() + " minor units; use a new key for another refund", step.state);
        }
        return new Duplicate(step.state, "refund " + refund.getRefundId() + " was asked before (" + known.getPhase().name().toLowerCase() + ")");
    }

    static Decision settle(Step step, RefundSession refund, RefundEntry known) {
        SessionState s = step.state;
        RefundSettlement answer = refund.getSettlement();
        if (known.getPhase() != RefundPhase.RESERVED) {
            boolean same = (known.getPhase() == RefundPhase.RECORDED) == answer.getAccepted();
            return same ? new Duplicate(s, "refund " + known.getRefundId() + " was settled before")
                    : new Rejected(INVALID_TRANSITION, "refund " + known.getRefundId() + " was already "
                            + known.getPhase().name().toLowerCase(), s);
        }
        SessionStatus current = s.getStatus();
        if (!answer.getAccepted()) {
            return step.apply(current, new RefundRecorded(known.getRefundId(), known.getAmountMinor(), s.getRefundedMinor(), false,
                    answer.getMessage(), RefundPhase.REFUSED, null, known.getMerchantRefundId()));
        }
        long total = s.getRefundedMinor() + known.getAmountMinor();
        boolean full = total >= SessionTransitions.refundable(s);
        return step.apply(full ? REFUNDED : current, new RefundRecorded(known.getRefundId(), known.getAmountMinor(), total, full,
                known.getReason(), RefundPhase.RECORDED, answer.getProviderRefundId(), known.getMerchantRefundId()));
    }
}
