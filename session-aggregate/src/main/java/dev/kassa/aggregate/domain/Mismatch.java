package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.AMOUNT_MISMATCH;
import static dev.kassa.model.ErrorCode.CURRENCY_MISMATCH;
import static dev.kassa.model.ErrorCode.UNEXPECTED_PROVIDER;
import static dev.kassa.model.ErrorCode.UNKNOWN_ATTEMPT;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.PaymentAttempt;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.SessionState;

/**
 * Why a report may not move money for this session (SPEC.md, Money integrity), or null when it may. The checks run
 * in a fixed order, so a report that fails several gets the first reason: attempt, provider, currency, amount.
 */
record Mismatch(ErrorCode reason, String detail) {

    /** The report must name an attempt this session started, come from that attempt's provider and name its payment. */
    static Mismatch ofAttempt(SessionState s, ProviderReport report) {
        if (report.getAttemptId() == null) {
            return new Mismatch(UNKNOWN_ATTEMPT, "the report from " + report.getProvider() + " names no attempt");
        }
        PaymentAttempt attempt = SessionTransitions.attempt(s, report.getAttemptId());
        if (attempt == null) {
            return new Mismatch(UNKNOWN_ATTEMPT, "session " + s.getSessionId() + " never started attempt " + report.getAttemptId());
        }
        if (!attempt.getProvider().equals(report.getProvider())) {
            return new Mismatch(UNEXPECTED_PROVIDER, "attempt " + attempt.getAttemptId() + " was started at " + attempt.getProvider()
                    + ", but " + report.getProvider() + " reported it");
        }
        if (attempt.getProviderPaymentId() != null && !attempt.getProviderPaymentId().equals(report.getProviderPaymentId())) {
            return new Mismatch(UNKNOWN_ATTEMPT, "attempt " + attempt.getAttemptId() + " is payment " + attempt.getProviderPaymentId()
                    + " at " + attempt.getProvider() + ", but the report names payment " + report.getProviderPaymentId());
        }
        return null;
    }

    /** The first reason a payment report may not move money: its attempt, then its money. */
    static Mismatch of(SessionState s, ProviderReport report) {
        Mismatch unbound = ofAttempt(s, report);
        return unbound != null ? unbound : ofMoney(s, report);
    }

    /** At least the session's amount, in the session's currency. */
    static Mismatch ofMoney(SessionState s, ProviderReport report) {
        if (report.getCurrency() == null || !report.getCurrency().equalsIgnoreCase(s.getCurrency())) {
            return new Mismatch(CURRENCY_MISMATCH, "the session is in " + s.getCurrency() + ", the payment was reported in "
                    + (report.getCurrency() == null ? "no currency" : report.getCurrency()));
        }
        if (report.getAmountMinor() == null || report.getAmountMinor() < s.getAmountMinor()) {
            return new Mismatch(AMOUNT_MISMATCH, "the session is " + s.getAmountMinor() + " minor units of " + s.getCurrency()
                    + ", the payment was reported as " + (report.getAmountMinor() == null ? "no amount" : report.getAmountMinor()));
        }
        return null;
    }
}
