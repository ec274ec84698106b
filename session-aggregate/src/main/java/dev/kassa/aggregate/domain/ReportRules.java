package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.MONEY_RECEIVED;
import static dev.kassa.model.ErrorCode.REFUND_IN_PROGRESS;
import static dev.kassa.model.ErrorCode.SECOND_PAYMENT;
import static dev.kassa.model.ErrorCode.UNKNOWN_PROVIDER_STATUS;
import static dev.kassa.schemas.avro.SessionStatus.FAILED;
import static dev.kassa.schemas.avro.SessionStatus.PAID;
import static dev.kassa.schemas.avro.SessionStatus.PENDING;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;

import dev.kassa.aggregate.domain.Decision.Change;
import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.SessionState;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The session decider's rules for a provider's reports, rows of {@link SessionTransitions#TABLE}: pending, paid (in
 * each status a payment can arrive in), failed, review, and a status nobody knows. A report moves money only through
 * the attempt it names and for the money the session asked ({@link Mismatch}); a success is never dropped.
 */
final class ReportRules {

    private ReportRules() {
    }

    static Decision pendingReported(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        Mismatch unbound = Mismatch.ofAttempt(s, report);
        if (unbound != null) {
            return new Rejected(unbound.reason(), unbound.detail() + "; recorded, nothing changed");
        }
        if (!step.now.isBefore(s.getExpiresAt())) {
            return step.invalid(SessionTransitions.Kind.REPORT_PENDING.verb + " (" + report.getProviderStatus() + ") after it expired");
        }
        return step.apply(PENDING, new PaymentPending(report.getAttemptId(), null, report.getProvider(), report.getProviderPaymentId(),
                report.getNextAction(), null));
    }

    /** A payment for a session that waits for one: paid, or to review with its reason when it fails the money checks. */
    static Decision paymentReported(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        Mismatch mismatch = Mismatch.of(s, report);
        if (mismatch != null) {
            return step.apply(REVIEW, review(mismatch.reason().code(), report, mismatch.detail()));
        }
        return step.apply(PAID, succeeded(report, report.getAmountMinor(), s.getCurrency(), step.now.isAfter(s.getExpiresAt())));
    }

    /**
     * A payment for a session in review: paid when it passes the money checks; otherwise flagged and the session stays
     * in review. A success is never dropped.
     */
    static Decision paidInReview(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        if (SessionTransitions.reserved(s) > 0) {
            // The money of this session is being given back: a payment now must not make it paid beneath the refund.
            return new Flagged(REFUND_IN_PROGRESS, "a payment was reported for session " + s.getSessionId()
                    + " while its refund is being executed; recorded for review, the session stays in review");
        }
        Mismatch mismatch = Mismatch.of(s, report);
        if (mismatch != null) {
            return new Flagged(mismatch.reason(), mismatch.detail() + "; recorded, the session stays in review");
        }
        return step.apply(PAID, succeeded(report, report.getAmountMinor(), s.getCurrency(), step.now.isAfter(s.getExpiresAt())));
    }

    /** A payment after expiry: paid (late) within the grace window; after it, review, and a refund reserved if the merchant says so. */
    static Decision paidAfterExpiry(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        Mismatch mismatch = Mismatch.of(s, report);
        if (mismatch != null) {
            return step.apply(REVIEW, review(mismatch.reason().code(), report, mismatch.detail()));
        }
        long amount = report.getAmountMinor();
        Instant graceEnd = s.getExpiresAt().plusSeconds(s.getGraceSeconds());
        if (!step.now.isAfter(graceEnd)) {
            return step.apply(PAID, succeeded(report, amount, s.getCurrency(), true));
        }
        ReviewOpened review = review("paid_after_grace", report, "paid after the grace window ended at " + graceEnd);
        if (s.getLatePaymentPolicy() == LatePaymentPolicy.AUTO_REFUND) {
            // Both steps in the history: the payment that came too late, and the refund the policy reserves;
            // the gateway's refund executor has the provider execute it and records its answer.
            return step.applyAll(List.of(new Change(REVIEW, review),
                    new Change(REVIEW, new RefundRecorded(SessionTransitions.autoRefundId(report.getProviderEventId()), amount, s.getRefundedMinor(), false,
                            "automatic refund: paid after the grace window (merchant policy)", RefundPhase.RESERVED, null, null))));
        }
        return step.apply(REVIEW, review);
    }

    static Decision paidAfterCancel(Step step) {
        ProviderReport report = step.report();
        Mismatch mismatch = Mismatch.of(step.state, report);
        return mismatch != null ? step.apply(REVIEW, review(mismatch.reason().code(), report, mismatch.detail()))
                : step.apply(REVIEW, review("paid_after_cancel", report, "paid after the session was cancelled"));
    }

    /** The payment recorded before, reported again, is a duplicate; any other payment is flagged: money may have moved twice. */
    static Decision paidTwice(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        if (report.getProviderPaymentId() != null && report.getProviderPaymentId().equals(s.getProviderPaymentId())) {
            return new Duplicate("payment " + report.getProviderPaymentId() + " was already recorded");
        }
        Mismatch mismatch = Mismatch.of(s, report);
        return new Flagged(mismatch != null ? mismatch.reason() : SECOND_PAYMENT, "a payment was reported for session "
                + s.getSessionId() + ", which is already " + s.getStatus().name().toLowerCase() + ": money may have moved twice"
                + (mismatch != null ? " (" + mismatch.detail() + ")" : "") + "; recorded for review");
    }

    static Decision failureReported(Step step) {
        SessionState s = step.state;
        ProviderReport report = step.report();
        Mismatch unbound = Mismatch.ofAttempt(s, report);
        if (unbound != null) {
            return new Rejected(unbound.reason(), unbound.detail() + "; recorded, nothing changed");
        }
        return step.apply(FAILED, new PaymentFailed(report.getProvider(), report.getAttemptId(),
                report.getFailureCode() != null ? report.getFailureCode() : report.getProviderStatus(), report.getFailureMessage()));
    }

    /**
     * A failure for a session in review moves it to failed, unless the provider reported the money received (a stale or
     * contradictory failure, such as Stripe's {@code checkout.session.expired} arriving after the payment: the money is
     * still there, a person approves or refunds it) or its refund is being executed.
     */
    static Decision failedInReview(Step step) {
        if (step.state.getReviewMoneyReceived()) {
            return new Rejected(MONEY_RECEIVED, "a failure (" + step.report().getProviderStatus() + ") was reported after the provider "
                    + "reported this payment as received; recorded, the session stays in review for a person to approve or refund");
        }
        if (SessionTransitions.reserved(step.state) > 0 && Mismatch.ofAttempt(step.state, step.report()) == null) {
            return new Rejected(REFUND_IN_PROGRESS, "a failure was reported while this session's refund is being executed; "
                    + "recorded, the session stays in review");
        }
        return failureReported(step);
    }

    static Decision reviewReported(Step step) {
        ProviderReport report = step.report();
        Mismatch unbound = Mismatch.ofAttempt(step.state, report);
        return step.apply(REVIEW, review(unbound == null ? "provider_review" : unbound.reason().code(), report,
                unbound == null ? report.getFailureMessage() : unbound.detail()));
    }

    /** A failed session goes to review only for a report that fails the attempt checks: a person must see that money. */
    static Decision unboundReviewOfFailed(Step step) {
        Mismatch unbound = Mismatch.ofAttempt(step.state, step.report());
        return unbound == null ? step.invalid(SessionTransitions.Kind.REPORT_REVIEW.verb)
                : step.apply(REVIEW, review(unbound.reason().code(), step.report(), unbound.detail()));
    }

    static Decision unknownStatus(Step step) {
        return new Rejected(UNKNOWN_PROVIDER_STATUS, "provider status '" + step.report().getProviderStatus()
                + "' is not known; it was recorded and changed nothing");
    }

    /**
     * A review opened by {@code report}. A report of a payment (completed) says the money was received, so a person may
     * refund it but not reject it; a provider's own review (under_review, on_hold) holds it, and a reject declines it.
     */
    private static ReviewOpened review(String reason, ProviderReport report, String detail) {
        boolean paymentReported = SessionTransitions.reported(report) == ReportedStatus.PAID;
        return new ReviewOpened(reason, report.getProvider(), report.getProviderEventId(), report.getAmountMinor(),
                report.getCurrency() == null ? null : report.getCurrency().toUpperCase(Locale.ROOT), report.getAttemptId(), detail,
                paymentReported);
    }

    private static PaymentSucceeded succeeded(ProviderReport report, long amount, String currency, boolean late) {
        return new PaymentSucceeded(report.getProvider(), report.getProviderEventId(), report.getProviderPaymentId(),
                amount, currency, report.getReferences(), late, report.getAttemptId(), null);
    }
}
