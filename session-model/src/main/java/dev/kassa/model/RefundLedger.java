package dev.kassa.model;

import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.SessionState;

/**
 * What the folded state says about a session's refunds, and the ids the aggregate gives the refunds it reserves
 * itself. Read by the aggregate's decider and by the gateway's refund executor, so both name the same refund the
 * same way.
 */
public final class RefundLedger {

    private RefundLedger() {
    }

    /** The sum of refunds reserved and not yet confirmed or refused. */
    public static long reserved(SessionState s) {
        long sum = 0;
        for (RefundEntry r : s.getRefunds()) {
            if (r.getPhase() == RefundPhase.RESERVED) {
                sum += r.getAmountMinor();
            }
        }
        return sum;
    }

    /** The refund id that the auto-refund policy reserves for a payment after the grace window. */
    public static String autoRefundId(String providerEventId) {
        return "auto-" + providerEventId;
    }

    /** The refund id that a review's REFUND resolution reserves. */
    public static String reviewRefundId(String commandId) {
        return "review-" + commandId;
    }
}
