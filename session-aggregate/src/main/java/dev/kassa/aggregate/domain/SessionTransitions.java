package dev.kassa.aggregate.domain;

import dev.kassa.model.RefundLedger;
import dev.kassa.model.SessionFold;

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
import dev.kassa.schemas.avro.PaymentAttempt;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.RefundSettlement;
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
    /** Money integrity (SPEC.md): why a payment report did not make the session paid. */
    public static final String AMOUNT_MISMATCH = "amount_mismatch";
    public static final String CURRENCY_MISMATCH = "currency_mismatch";
    public static final String UNEXPECTED_PROVIDER = "unexpected_provider";
    public static final String UNKNOWN_ATTEMPT = "unknown_attempt";
    public static final String TOO_MANY_ATTEMPTS = "too_many_attempts";
    public static final String TOO_MANY_REFUNDS = "too_many_refunds";
    public static final String REFUND_IN_PROGRESS = "refund_in_progress";
    public static final String IDEMPOTENCY_CONFLICT = "idempotency_conflict";

    /**
     * A session keeps every attempt it started, so that a late success of any of them still matches; a buyer who
     * needs more than this many tries is refused another ({@code too_many_attempts}) rather than an old one forgotten.
     */
    public static final int MAX_ATTEMPTS = 20;
    /** Refunds asked of one session, reserved or settled; more are refused ({@code too_many_refunds}). */
    public static final int MAX_REFUNDS = 50;

    /** Every allowed change of status (SPEC.md). A partial refund keeps PAID and is not a change of status. */
    public static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = allowed();

    private static final Set<SessionStatus> EXPIRABLE = EnumSet.of(CREATED, PENDING, FAILED);

    private SessionTransitions() {
    }

    private static Map<SessionStatus, Set<SessionStatus>> allowed() {
        Map<SessionStatus, Set<SessionStatus>> table = new EnumMap<>(SessionStatus.class);
        table.put(CREATED, EnumSet.of(PENDING, PAID, FAILED, CANCELLED, EXPIRED, REVIEW));
        table.put(PENDING, EnumSet.of(PENDING, PAID, FAILED, REVIEW, CANCELLED, EXPIRED));
        // failed -> review goes beyond SPEC.md's table: a payment report for a failed session that fails the money
        // checks (docs/ARCHITECTURE.md, "How a payment is matched to its attempt") must still reach a person.
        table.put(FAILED, EnumSet.of(PENDING, PAID, CANCELLED, EXPIRED, REVIEW));
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

    /**
     * Events that keep the status: refund bookkeeping (a reservation, a refusal, a partial refund) on a paid session or
     * a session in review. Every other event changes the status along {@link #ALLOWED}.
     */
    public static boolean keepsStatus(SessionStatus from, SessionStatus to, Object payload) {
        return from == to && (from == PAID || from == REVIEW) && payload instanceof RefundRecorded;
    }

    /** What the session received and may give back: the reported payment, or the amount for older records. */
    public static long refundable(SessionState s) {
        return s.getPaidAmountMinor() != null ? s.getPaidAmountMinor() : s.getAmountMinor();
    }

    /** The sum of refunds reserved and not yet confirmed or refused. */
    public static long reserved(SessionState s) {
        return RefundLedger.reserved(s);
    }

    /** The attempt with this id that the session started, or null. */
    public static PaymentAttempt attempt(SessionState s, String attemptId) {
        if (attemptId == null) {
            return null;
        }
        for (PaymentAttempt a : s.getAttempts()) {
            if (a.getAttemptId().equals(attemptId)) {
                return a;
            }
        }
        // A session folded before attempts were kept knows only its latest attempt.
        if (s.getAttempts().isEmpty() && attemptId.equals(s.getAttemptId()) && s.getProvider() != null) {
            return new PaymentAttempt(attemptId, s.getMethod(), s.getProvider(), s.getProviderPaymentId(), s.getUpdatedAt());
        }
        return null;
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
        if (attempt(s, attempt.getAttemptId()) != null) {
            return new Rejected(INVALID_TRANSITION, "attempt " + attempt.getAttemptId() + " was started before; a new attempt needs a new id", s);
        }
        if (s.getAttempts().size() >= MAX_ATTEMPTS) {
            return new Rejected(TOO_MANY_ATTEMPTS, "session " + s.getSessionId() + " has had " + MAX_ATTEMPTS
                    + " payment attempts; start a new checkout", s);
        }
        return step.apply(PENDING, new PaymentPending(attempt.getAttemptId(), attempt.getMethod(), attempt.getProvider(),
                attempt.getProviderPaymentId(), null));
    }

    private static Decision providerReport(Step step, ProviderReport report) {
        SessionState s = step.state;
        ReportedStatus status = report.getStatus() == ReportedStatus.UNKNOWN
                ? ProviderStatuses.normalize(report.getProviderStatus()) : report.getStatus();
        SessionStatus current = s.getStatus();
        Mismatch unbound = status == ReportedStatus.UNKNOWN ? null : Mismatch.ofAttempt(s, report);
        return switch (status) {
            case PENDING -> unbound != null ? new Rejected(unbound.reason(), unbound.detail() + "; recorded, nothing changed", s)
                    : isExpirable(current) && step.now.isBefore(s.getExpiresAt())
                    ? step.apply(PENDING, new PaymentPending(report.getAttemptId(), null, report.getProvider(),
                            report.getProviderPaymentId(), report.getNextAction()))
                    : step.invalid("take a pending report (" + report.getProviderStatus() + ")");
            case PAID -> paymentReported(step, report, unbound != null ? unbound : Mismatch.ofMoney(s, report));
            case FAILED -> unbound != null ? new Rejected(unbound.reason(), unbound.detail() + "; recorded, nothing changed", s)
                    : current == REVIEW && reserved(s) > 0
                    ? new Rejected(REFUND_IN_PROGRESS, "a failure was reported while this session's refund is being executed; "
                            + "recorded, the session stays in review", s)
                    : current == CREATED || current == PENDING || current == REVIEW
                    ? step.apply(FAILED, new PaymentFailed(report.getProvider(), report.getAttemptId(),
                            report.getFailureCode() != null ? report.getFailureCode() : report.getProviderStatus(),
                            report.getFailureMessage()))
                    : step.invalid("take a failure report");
            case REVIEW -> current == CREATED || current == PENDING || current == EXPIRED || current == CANCELLED
                    || (current == FAILED && unbound != null)
                    ? step.apply(REVIEW, review(unbound == null ? "provider_review" : unbound.reason(), report,
                            unbound == null ? report.getFailureMessage() : unbound.detail()))
                    : step.invalid("take a review report");
            case REFUNDED -> current != PAID && current != REVIEW ? step.invalid("take a refund report")
                    : !report.getProvider().equals(s.getProvider())
                    ? new Rejected(UNEXPECTED_PROVIDER, "a refund was reported by " + report.getProvider() + ", but the payment was taken by "
                            + s.getProvider() + "; recorded, nothing changed", s)
                    : step.refund("provider:" + report.getProviderEventId(), report.getAmountMinor(), "refunded by " + report.getProvider());
            case UNKNOWN -> new Rejected(UNKNOWN_PROVIDER_STATUS, "provider status '" + report.getProviderStatus()
                    + "' is not known; it was recorded and changed nothing", s);
        };
    }

    /**
     * Why a report may not move money for this session (SPEC.md, Money integrity), or null when it may. The checks run
     * in a fixed order, so a report that fails several gets the first reason: attempt, provider, currency, amount.
     */
    record Mismatch(String reason, String detail) {

        /** The report must name an attempt this session started, come from that attempt's provider and name its payment. */
        static Mismatch ofAttempt(SessionState s, ProviderReport report) {
            if (report.getAttemptId() == null) {
                return new Mismatch(UNKNOWN_ATTEMPT, "the report from " + report.getProvider() + " names no attempt");
            }
            PaymentAttempt attempt = attempt(s, report.getAttemptId());
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

    private static ReviewOpened review(String reason, ProviderReport report, String detail) {
        return new ReviewOpened(reason, report.getProvider(), report.getProviderEventId(), report.getAmountMinor(),
                report.getCurrency() == null ? null : report.getCurrency().toUpperCase(java.util.Locale.ROOT), report.getAttemptId(), detail);
    }

    /**
     * A success is never dropped: it pays, pays late, or goes to review; a second payment is flagged. A payment that
     * fails the money checks ({@code mismatch}) goes to review with its reason, never to paid.
     */
    private static Decision paymentReported(Step step, ProviderReport report, Mismatch mismatch) {
        SessionState s = step.state;
        SessionStatus current = s.getStatus();
        if (current == PAID || current == REFUNDED) {
            if (report.getProviderPaymentId() != null && report.getProviderPaymentId().equals(s.getProviderPaymentId())) {
                return new Duplicate(s, "payment " + report.getProviderPaymentId() + " was already recorded");
            }
            return new Flagged(mismatch != null ? mismatch.reason() : SECOND_PAYMENT, "a payment was reported for session "
                    + s.getSessionId() + ", which is already " + current.name().toLowerCase() + ": money may have moved twice"
                    + (mismatch != null ? " (" + mismatch.detail() + ")" : "") + "; recorded for review", s);
        }
        if (current == REVIEW && reserved(s) > 0) {
            // The money of this session is being given back: a payment now must not make it paid beneath the refund.
            return new Flagged(REFUND_IN_PROGRESS, "a payment was reported for session " + s.getSessionId()
                    + " while its refund is being executed; recorded for review, the session stays in review", s);
        }
        if (mismatch != null) {
            if (current == REVIEW) {
                return new Flagged(mismatch.reason(), mismatch.detail() + "; recorded, the session stays in review", s);
            }
            return step.apply(REVIEW, review(mismatch.reason(), report, mismatch.detail()));
        }
        long amount = report.getAmountMinor();
        String currency = s.getCurrency();
        switch (current) {
            case CREATED, PENDING, FAILED, REVIEW -> {
                return step.apply(PAID, succeeded(report, amount, currency, step.now.isAfter(s.getExpiresAt())));
            }
            case EXPIRED -> {
                Instant graceEnd = s.getExpiresAt().plusSeconds(s.getGraceSeconds());
                if (!step.now.isAfter(graceEnd)) {
                    return step.apply(PAID, succeeded(report, amount, currency, true));
                }
                ReviewOpened review = review("paid_after_grace", report, "paid after the grace window ended at " + graceEnd);
                if (s.getLatePaymentPolicy() == LatePaymentPolicy.AUTO_REFUND) {
                    // Both steps in the history: the payment that came too late, and the refund the policy reserves;
                    // the gateway's refund executor has the provider execute it and records its answer.
                    return step.applyAll(List.of(new Transition(REVIEW, review),
                            new Transition(REVIEW, new RefundRecorded(autoRefundId(report.getProviderEventId()), amount, s.getRefundedMinor(), false,
                                    "automatic refund: paid after the grace window (merchant policy)", RefundPhase.RESERVED, null))));
                }
                return step.apply(REVIEW, review);
            }
            case CANCELLED -> {
                return step.apply(REVIEW, review("paid_after_cancel", report, "paid after the session was cancelled"));
            }
            default -> {
                return step.invalid("take a payment");
            }
        }
    }

    private static PaymentSucceeded succeeded(ProviderReport report, long amount, String currency, boolean late) {
        return new PaymentSucceeded(report.getProvider(), report.getProviderEventId(), report.getProviderPaymentId(),
                amount, currency, report.getReferences(), late, report.getAttemptId());
    }

    private static Decision cancel(Step step, CancelSession cancel) {
        SessionState s = step.state;
        if (!isExpirable(s.getStatus())) {
            return step.invalid("be cancelled");
        }
        return step.apply(CANCELLED, new SessionCancelled(cancel.getReason()));
    }

    /**
     * A merchant's refund is a reservation first: the amount is held (so concurrent refunds can never exceed what was
     * paid), the provider executes it, and its answer (a {@link RefundSettlement}) confirms or releases it.
     */
    private static Decision refund(Step step, RefundSession refund) {
        SessionState s = step.state;
        RefundEntry known = null;
        for (RefundEntry r : s.getRefunds()) {
            if (r.getRefundId().equals(refund.getRefundId())) {
                known = r;
            }
        }
        if (refund.getSettlement() != null) {
            return settle(step, refund, known);
        }
        if (known != null) {
            if (refund.getAmountMinor() != null && refund.getAmountMinor() != known.getAmountMinor()) {
                return new Rejected(IDEMPOTENCY_CONFLICT, "refund " + refund.getRefundId() + " was asked before for "
                        + known.getAmountMinor() + " minor units; use a new key for another refund", s);
            }
            return new Duplicate(s, "refund " + refund.getRefundId() + " was asked before (" + known.getPhase().name().toLowerCase() + ")");
        }
        SessionStatus current = s.getStatus();
        if (current != PAID && current != REVIEW) {
            return step.invalid("be refunded");
        }
        if (s.getRefunds().size() >= MAX_REFUNDS) {
            return new Rejected(TOO_MANY_REFUNDS, "session " + s.getSessionId() + " has had " + MAX_REFUNDS + " refunds", s);
        }
        long left = refundable(s) - s.getRefundedMinor() - reserved(s);
        long amount = refund.getAmountMinor() == null ? left : refund.getAmountMinor();
        Rejected invalid = step.refundAmount(amount, left);
        if (invalid != null) {
            return invalid;
        }
        return step.apply(current, new RefundRecorded(refund.getRefundId(), amount, s.getRefundedMinor(), false, refund.getReason(),
                RefundPhase.RESERVED, null));
    }

    private static Decision settle(Step step, RefundSession refund, RefundEntry known) {
        SessionState s = step.state;
        RefundSettlement answer = refund.getSettlement();
        if (known == null) {
            return new Rejected(NOT_FOUND, "no refund " + refund.getRefundId() + " was reserved for session " + s.getSessionId(), s);
        }
        if (known.getPhase() != RefundPhase.RESERVED) {
            boolean same = (known.getPhase() == RefundPhase.RECORDED) == answer.getAccepted();
            return same ? new Duplicate(s, "refund " + known.getRefundId() + " was settled before")
                    : new Rejected(INVALID_TRANSITION, "refund " + known.getRefundId() + " was already "
                            + known.getPhase().name().toLowerCase(), s);
        }
        SessionStatus current = s.getStatus();
        if (!answer.getAccepted()) {
            return step.apply(current, new RefundRecorded(known.getRefundId(), known.getAmountMinor(), s.getRefundedMinor(), false,
                    answer.getMessage(), RefundPhase.REFUSED, null));
        }
        long total = s.getRefundedMinor() + known.getAmountMinor();
        boolean full = total >= refundable(s);
        return step.apply(full ? REFUNDED : current, new RefundRecorded(known.getRefundId(), known.getAmountMinor(), total, full,
                known.getReason(), RefundPhase.RECORDED, answer.getProviderRefundId()));
    }

    private static Decision resolveReview(Step step, ResolveReview resolve) {
        SessionState s = step.state;
        if (s.getStatus() != REVIEW) {
            return step.invalid("have a review resolved");
        }
        if (reserved(s) > 0) {
            return new Rejected(REFUND_IN_PROGRESS, "a refund of this session is being executed; resolve the review after it", s);
        }
        return switch (resolve.getResolution()) {
            // A person approved it: what the provider reported is what was paid, even when it was not the amount.
            case APPROVE -> step.apply(PAID, new PaymentSucceeded(s.getProvider() == null ? "manual" : s.getProvider(), null,
                    s.getProviderPaymentId(), refundable(s), s.getPaidCurrency() != null ? s.getPaidCurrency() : s.getCurrency(),
                    Map.of(), s.getLate(), null));
            case REJECT -> step.apply(FAILED, new PaymentFailed(s.getProvider(), s.getAttemptId(), "review_rejected", resolve.getNote()));
            // Reserved like a merchant's refund; the gateway has the provider execute "review-<command id>" and settles it.
            case REFUND -> {
                long left = refundable(s) - s.getRefundedMinor();
                Rejected invalid = step.refundAmount(left, left);
                yield invalid != null ? invalid : step.apply(REVIEW, new RefundRecorded(reviewRefundId(step.command.getCommandId()), left,
                        s.getRefundedMinor(), false, resolve.getNote(), RefundPhase.RESERVED, null));
            }
        };
    }

    /** The refund id that the auto-refund policy reserves for a payment after the grace window. */
    public static String autoRefundId(String providerEventId) {
        return RefundLedger.autoRefundId(providerEventId);
    }

    /** The refund id that a review's REFUND resolution reserves. */
    public static String reviewRefundId(String commandId) {
        return RefundLedger.reviewRefundId(commandId);
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
                if (!keepsStatus(from, t.to(), t.payload()) && !ALLOWED.get(from).contains(t.to())) {
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

        /** A refund the provider reports it made: recorded at once, within what is left after reservations. */
        Decision refund(String refundId, Long requested, String reason) {
            long left = refundable(state) - state.getRefundedMinor() - reserved(state);
            long amount = requested == null ? left : requested;
            Rejected invalid = refundAmount(amount, left);
            if (invalid != null) {
                return invalid;
            }
            boolean full = amount + state.getRefundedMinor() >= refundable(state);
            return apply(full ? REFUNDED : state.getStatus(), new RefundRecorded(refundId, amount, state.getRefundedMinor() + amount, full,
                    reason, RefundPhase.RECORDED, null));
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
            if (state.getStatus() == REVIEW && amount + state.getRefundedMinor() < refundable(state)) {
                return new Rejected(INVALID_AMOUNT, "a session in review is refunded in full (" + minor(left) + ") or not at all", state);
            }
            return null;
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
