package dev.kassa.aggregate.domain;

import static dev.kassa.schemas.avro.SessionStatus.CANCELLED;
import static dev.kassa.schemas.avro.SessionStatus.CREATED;
import static dev.kassa.schemas.avro.SessionStatus.EXPIRED;
import static dev.kassa.schemas.avro.SessionStatus.FAILED;
import static dev.kassa.schemas.avro.SessionStatus.PAID;
import static dev.kassa.schemas.avro.SessionStatus.PENDING;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;

import dev.kassa.aggregate.domain.Decision.Applied;
import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.schemas.avro.AppliedCommand;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.ExpireSession;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.ResolveReview;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.SessionCancelled;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionExpired;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lifecycle of a checkout session (SPEC.md, Lifecycle) as one pure function: {@code (state, command) → Decision}.
 * The command's {@code issued_at} is the clock; nothing here reads the time, and nothing throws for a command that
 * is not allowed.
 */
public final class SessionTransitions {

    /** Rejection and flag codes, stable: they reach the command-results topic and the merchant API. */
    public static final String INVALID_TRANSITION = "invalid_transition";
    public static final String NOT_FOUND = "not_found";
    public static final String SESSION_EXISTS = "session_exists";
    public static final String SESSION_EXPIRED = "session_expired";
    public static final String INVALID_AMOUNT = "invalid_amount";
    public static final String NOT_DUE = "not_due";
    public static final String UNKNOWN_PROVIDER_STATUS = "unknown_provider_status";
    public static final String COMMAND_ID_REUSED = "command_id_reused";
    public static final String SECOND_PAYMENT = "second_payment";

    /** Every allowed change of status (SPEC.md). A partial refund keeps PAID and is not a change of status. */
    public static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = allowed();

    private static final Set<SessionStatus> EXPIRABLE = EnumSet.of(CREATED, PENDING, FAILED);

    private SessionTransitions() {
    }

    private static Map<SessionStatus, Set<SessionStatus>> allowed() {
        Map<SessionStatus, Set<SessionStatus>> table = new EnumMap<>(SessionStatus.class);
        table.put(CREATED, EnumSet.of(PENDING, PAID, FAILED, CANCELLED, EXPIRED, REVIEW));
        table.put(PENDING, EnumSet.of(PENDING, PAID, FAILED, REVIEW, CANCELLED, EXPIRED));
        table.put(FAILED, EnumSet.of(PENDING, PAID, CANCELLED, EXPIRED));
        table.put(REVIEW, EnumSet.of(PAID, FAILED, REFUNDED));
        table.put(PAID, EnumSet.of(REFUNDED));
        table.put(EXPIRED, EnumSet.of(PAID, REVIEW));
        table.put(CANCELLED, EnumSet.of(REVIEW));
        table.put(REFUNDED, EnumSet.noneOf(SessionStatus.class));
        return java.util.Collections.unmodifiableMap(table);
    }

    /** Whether a session in this status is waiting for a payment and so expires at {@code expires_at}. */
    public static boolean isExpirable(SessionStatus status) {
        return EXPIRABLE.contains(status);
    }

    /** Decides one command against the session's current state ({@code null}: the session does not exist). */
    public static Decision decide(SessionState state, SessionCommand command) {
        String digest = CommandDigest.of(command);
        if (state != null) {
            for (AppliedCommand applied : state.getRecentCommands()) {
                if (applied.getCommandId().equals(command.getCommandId())) {
                    return applied.getDigest().equals(digest)
                            ? new Duplicate(state, "command " + command.getCommandId() + " was applied before")
                            : new Flagged(COMMAND_ID_REUSED, "command id " + command.getCommandId()
                                    + " was applied before with a different payload; this one was recorded, not applied", state);
                }
            }
        }
        Step step = new Step(state, command, digest);
        Object payload = command.getPayload();
        if (payload instanceof CreateSession create) {
            return state == null ? step.created(create)
                    : new Rejected(SESSION_EXISTS, "session " + command.getSessionId() + " already exists", state);
        }
        if (state == null) {
            return new Rejected(NOT_FOUND, "session " + command.getSessionId() + " does not exist", null);
        }
        if (payload instanceof StartPaymentAttempt attempt) {
            return startAttempt(step, attempt);
        }
        if (payload instanceof ProviderReport report) {
            return providerReport(step, report);
        }
        if (payload instanceof CancelSession cancel) {
            return cancel(step, cancel);
        }
        if (payload instanceof RefundSession refund) {
            return refund(step, refund);
        }
        if (payload instanceof ResolveReview resolve) {
            return resolveReview(step, resolve);
        }
        if (payload instanceof ExpireSession) {
            return expire(step);
        }
        return new Rejected(INVALID_TRANSITION, "unknown command " + payload.getClass().getSimpleName(), state);
    }

    private static Decision startAttempt(Step step, StartPaymentAttempt attempt) {
        SessionState s = step.state;
        if (!isExpirable(s.getStatus())) {
            return step.invalid("start a payment attempt");
        }
        if (!step.now.isBefore(s.getExpiresAt())) {
            return new Rejected(SESSION_EXPIRED, "session " + s.getSessionId() + " expired at " + s.getExpiresAt(), s);
        }
        return step.apply(PENDING, new PaymentPending(attempt.getAttemptId(), attempt.getMethod(), attempt.getProvider(),
                attempt.getProviderPaymentId(), null));
    }

    private static Decision providerReport(Step step, ProviderReport report) {
        SessionState s = step.state;
        ReportedStatus status = report.getStatus() == ReportedStatus.UNKNOWN
                ? ProviderStatuses.normalize(report.getProviderStatus()) : report.getStatus();
        SessionStatus current = s.getStatus();
        return switch (status) {
            case PENDING -> isExpirable(current) && step.now.isBefore(s.getExpiresAt())
                    ? step.apply(PENDING, new PaymentPending(report.getAttemptId(), null, report.getProvider(),
                            report.getProviderPaymentId(), report.getNextAction()))
                    : step.invalid("take a pending report (" + report.getProviderStatus() + ")");
            case PAID -> paymentReported(step, report);
            case FAILED -> current == CREATED || current == PENDING || current == REVIEW
                    ? step.apply(FAILED, new PaymentFailed(report.getProvider(), report.getAttemptId(),
                            report.getFailureCode() != null ? report.getFailureCode() : report.getProviderStatus(),
                            report.getFailureMessage()))
                    : step.invalid("take a failure report");
            case REVIEW -> current == CREATED || current == PENDING || current == EXPIRED || current == CANCELLED
                    ? step.apply(REVIEW, new ReviewOpened("provider_review", report.getProvider(),
                            report.getProviderEventId(), report.getAmountMinor()))
                    : step.invalid("take a review report");
            case REFUNDED -> current == PAID || current == REVIEW
                    ? step.refund("provider:" + report.getProviderEventId(), report.getAmountMinor(), "refunded by " + report.getProvider())
                    : step.invalid("take a refund report");
            case UNKNOWN -> new Rejected(UNKNOWN_PROVIDER_STATUS, "provider status '" + report.getProviderStatus()
                    + "' is not known; it was recorded and changed nothing", s);
        };
    }

    /** A success is never dropped: it pays, pays late, or goes to review; a second payment is flagged. */
    private static Decision paymentReported(Step step, ProviderReport report) {
        SessionState s = step.state;
        long amount = report.getAmountMinor() != null ? report.getAmountMinor() : s.getAmountMinor();
        String currency = report.getCurrency() != null ? report.getCurrency() : s.getCurrency();
        switch (s.getStatus()) {
            case CREATED, PENDING, FAILED, REVIEW -> {
                return step.apply(PAID, succeeded(report, amount, currency, step.now.isAfter(s.getExpiresAt())));
            }
            case EXPIRED -> {
                Instant graceEnd = s.getExpiresAt().plusSeconds(s.getGraceSeconds());
                if (!step.now.isAfter(graceEnd)) {
                    return step.apply(PAID, succeeded(report, amount, currency, true));
                }
                ReviewOpened review = new ReviewOpened("paid_after_grace", report.getProvider(), report.getProviderEventId(), amount);
                if (s.getLatePaymentPolicy() == LatePaymentPolicy.AUTO_REFUND) {
                    // Both steps in the history: the payment that came too late, and the refund the policy made.
                    return step.applyAll(List.of(new Transition(REVIEW, review),
                            new Transition(REFUNDED, new RefundRecorded("auto-" + report.getProviderEventId(), amount, amount, true,
                                    "automatic refund: paid after the grace window (merchant policy)"))));
                }
                return step.apply(REVIEW, review);
            }
            case CANCELLED -> {
                return step.apply(REVIEW, new ReviewOpened("paid_after_cancel", report.getProvider(), report.getProviderEventId(), amount));
            }
            case PAID, REFUNDED -> {
                if (report.getProviderPaymentId() != null && report.getProviderPaymentId().equals(s.getProviderPaymentId())) {
                    return new Duplicate(s, "payment " + report.getProviderPaymentId() + " was already recorded");
                }
                return new Flagged(SECOND_PAYMENT, "a payment was reported for session " + s.getSessionId() + ", which is already "
                        + s.getStatus().name().toLowerCase() + ": money may have moved twice; recorded for review", s);
            }
            default -> {
                return step.invalid("take a payment");
            }
        }
    }

    private static PaymentSucceeded succeeded(ProviderReport report, long amount, String currency, boolean late) {
        return new PaymentSucceeded(report.getProvider(), report.getProviderEventId(), report.getProviderPaymentId(),
                amount, currency, report.getReferences(), late);
    }

    private static Decision cancel(Step step, CancelSession cancel) {
        SessionState s = step.state;
        if (!isExpirable(s.getStatus())) {
            return step.invalid("be cancelled");
        }
        return step.apply(CANCELLED, new SessionCancelled(cancel.getReason()));
    }

    private static Decision refund(Step step, RefundSession refund) {
        SessionStatus current = step.state.getStatus();
        if (current != PAID && current != REVIEW) {
            return step.invalid("be refunded");
        }
        return step.refund(refund.getRefundId(), refund.getAmountMinor(), refund.getReason());
    }

    private static Decision resolveReview(Step step, ResolveReview resolve) {
        SessionState s = step.state;
        if (s.getStatus() != REVIEW) {
            return step.invalid("have a review resolved");
        }
        return switch (resolve.getResolution()) {
            case APPROVE -> step.apply(PAID, new PaymentSucceeded(s.getProvider() == null ? "manual" : s.getProvider(), null,
                    s.getProviderPaymentId(), s.getAmountMinor(), s.getCurrency(), Map.of(), s.getLate()));
            case REJECT -> step.apply(FAILED, new PaymentFailed(s.getProvider(), s.getAttemptId(), "review_rejected", resolve.getNote()));
            case REFUND -> step.refund("review-" + step.command.getCommandId(), null, resolve.getNote());
        };
    }

    private static Decision expire(Step step) {
        SessionState s = step.state;
        if (!isExpirable(s.getStatus())) {
            return step.invalid("expire");
        }
        if (step.now.isBefore(s.getExpiresAt())) {
            return new Rejected(NOT_DUE, "session " + s.getSessionId() + " expires at " + s.getExpiresAt() + ", not before", s);
        }
        return step.apply(EXPIRED, new SessionExpired(s.getExpiresAt()));
    }

    private record Transition(SessionStatus to, Object payload) {
    }

    /** One command being decided: builds events with the next sequence numbers and folds them. */
    private static final class Step {
        final SessionState state;
        final SessionCommand command;
        final Instant now;
        final EventCause cause;

        Step(SessionState state, SessionCommand command, String digest) {
            this.state = state;
            this.command = command;
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
                boolean partialRefund = from == PAID && t.to() == PAID && t.payload() instanceof RefundRecorded;
                if (!partialRefund && !ALLOWED.get(from).contains(t.to())) {
                    // A bug in this class, not a user's mistake: nothing may bypass the table.
                    throw new IllegalStateException("transition " + from + " -> " + t.to() + " is not in the table");
                }
                SessionEvent event = event(current.getSessionId(), current.getMerchantId(), current.getSequence() + 1,
                        t.to(), from, t.payload());
                events.add(event);
                current = SessionFold.evolve(current, event);
            }
            return new Applied(events, current);
        }

        Decision refund(String refundId, Long requested, String reason) {
            long left = state.getAmountMinor() - state.getRefundedMinor();
            long amount = requested == null ? left : requested;
            if (amount <= 0) {
                return new Rejected(INVALID_AMOUNT, "a refund must be more than 0; " + minor(left) + " is left to refund", state);
            }
            if (amount > left) {
                return new Rejected(INVALID_AMOUNT, "a refund of " + minor(amount) + " exceeds the " + minor(left)
                        + " left to refund", state);
            }
            boolean full = amount == left;
            if (state.getStatus() == REVIEW && !full) {
                return new Rejected(INVALID_AMOUNT, "a session in review is refunded in full (" + minor(left) + ") or not at all", state);
            }
            return apply(full ? REFUNDED : PAID, new RefundRecorded(refundId, amount, state.getRefundedMinor() + amount, full, reason));
        }

        private String minor(long amount) {
            return amount + " minor units of " + state.getCurrency();
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
}
