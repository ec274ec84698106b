package dev.kassa.aggregate.domain;

import static dev.kassa.model.ErrorCode.AMOUNT_MISMATCH;
import static dev.kassa.model.ErrorCode.COMMAND_ID_REUSED;
import static dev.kassa.model.ErrorCode.CURRENCY_MISMATCH;
import static dev.kassa.model.ErrorCode.IDEMPOTENCY_CONFLICT;
import static dev.kassa.model.ErrorCode.INVALID_AMOUNT;
import static dev.kassa.model.ErrorCode.INVALID_TRANSITION;
import static dev.kassa.model.ErrorCode.MONEY_RECEIVED;
import static dev.kassa.model.ErrorCode.NOT_DUE;
import static dev.kassa.model.ErrorCode.NOT_FOUND;
import static dev.kassa.model.ErrorCode.REFUND_IN_PROGRESS;
import static dev.kassa.model.ErrorCode.SECOND_PAYMENT;
import static dev.kassa.model.ErrorCode.SESSION_EXISTS;
import static dev.kassa.model.ErrorCode.SESSION_EXPIRED;
import static dev.kassa.model.ErrorCode.TOO_MANY_ATTEMPTS;
import static dev.kassa.model.ErrorCode.TOO_MANY_REFUNDS;
import static dev.kassa.model.ErrorCode.UNEXPECTED_PROVIDER;
import static dev.kassa.model.ErrorCode.UNKNOWN_ATTEMPT;
import static dev.kassa.model.ErrorCode.UNKNOWN_PROVIDER_STATUS;
import static dev.kassa.schemas.avro.SessionStatus.CANCELLED;
import static dev.kassa.schemas.avro.SessionStatus.CREATED;
import static dev.kassa.schemas.avro.SessionStatus.EXPIRED;
import static dev.kassa.schemas.avro.SessionStatus.FAILED;
import static dev.kassa.schemas.avro.SessionStatus.PAID;
import static dev.kassa.schemas.avro.SessionStatus.PENDING;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;

import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.RefundLedger;
import dev.kassa.schemas.avro.AppliedCommand;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.ExpireSession;
import dev.kassa.schemas.avro.PaymentAttempt;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.ResolveReview;
import dev.kassa.schemas.avro.SessionCancelled;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionExpired;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.util.Collections;
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

    /**
     * Every code the decider refuses or flags a command with (stable: they reach the command-results topic and the
     * merchant API), so that its meters exist at zero from the start.
     */
    public static final Set<ErrorCode> CODES = Collections.unmodifiableSet(EnumSet.of(INVALID_TRANSITION, NOT_FOUND, SESSION_EXISTS, SESSION_EXPIRED, INVALID_AMOUNT, NOT_DUE, UNKNOWN_PROVIDER_STATUS, COMMAND_ID_REUSED, SECOND_PAYMENT, AMOUNT_MISMATCH, CURRENCY_MISMATCH, UNEXPECTED_PROVIDER, UNKNOWN_ATTEMPT, TOO_MANY_ATTEMPTS, TOO_MANY_REFUNDS, REFUND_IN_PROGRESS, IDEMPOTENCY_CONFLICT));

    /**
     * A session keeps every attempt it started, so that a late success of any of them still matches; a buyer who
     * needs more than this many tries is refused another ({@code too_many_attempts}) rather than an old one forgotten.
     */
    public static final int MAX_ATTEMPTS = 20;
    /** Refunds asked of one session, reserved or settled; more are refused ({@code too_many_refunds}). */
    public static final int MAX_REFUNDS = 50;

    /** The statuses a row is taken in; {@link #NO_SESSION} for the command that comes before the session exists. */
    record From(Set<SessionStatus> statuses, boolean noSession) {
    }

    static final From NO_SESSION = new From(Set.of(), true);

    /**
     * What each kind of command does in each status, one row per case, in the order of SessionTransitionsTableTest:
     * the statuses it is taken in ({@link #NO_SESSION}: before the session exists), the statuses its first event may
     * lead to, and the rule that decides it. A (kind, status) pair with no row is {@code invalid_transition}
     * ({@code not_found} before the session exists). The rules check only what their row cannot say (the attempt a
     * report names, the money, the clock, a reservation); they never check the status again.
     */
    static final List<Row> TABLE = List.of(
            //  kind                 taken in                                             leads to           rule
            row(Kind.CREATE,          NO_SESSION,                                           to(CREATED),       SessionTransitions::create),
            row(Kind.CREATE,          from(SessionStatus.values()),                         to(),              SessionTransitions::exists),
            row(Kind.START_ATTEMPT,   from(CREATED, PENDING, FAILED),                       to(PENDING),       SessionTransitions::startAttempt),
            row(Kind.REPORT_PENDING,  from(CREATED, PENDING, FAILED),                       to(PENDING),       ReportRules::pendingReported),
            row(Kind.REPORT_PAID,     from(CREATED, PENDING, FAILED),                       to(PAID, REVIEW),  ReportRules::paymentReported),
            row(Kind.REPORT_PAID,     from(REVIEW),                                         to(PAID),          ReportRules::paidInReview),
            row(Kind.REPORT_PAID,     from(EXPIRED),                                        to(PAID, REVIEW),  ReportRules::paidAfterExpiry),
            row(Kind.REPORT_PAID,     from(CANCELLED),                                      to(REVIEW),        ReportRules::paidAfterCancel),
            row(Kind.REPORT_PAID,     from(PAID, REFUNDED),                                 to(),              ReportRules::paidTwice),
            row(Kind.REPORT_FAILED,   from(CREATED, PENDING),                               to(FAILED),        ReportRules::failureReported),
            row(Kind.REPORT_FAILED,   from(REVIEW),                                         to(FAILED),        ReportRules::failedInReview),
            row(Kind.REPORT_REVIEW,   from(CREATED, PENDING, EXPIRED, CANCELLED),           to(REVIEW),        ReportRules::reviewReported),
            // failed -> review goes beyond SPEC.md's table: a report for a failed session that fails the money
            // checks (docs/MONEY.md) must still reach a person.
            row(Kind.REPORT_REVIEW,   from(FAILED),                                         to(REVIEW),        ReportRules::unboundReviewOfFailed),
            row(Kind.REPORT_REFUNDED, from(PAID),                                           to(REFUNDED),      RefundRules::refundReported),
            row(Kind.REPORT_REFUNDED, from(REVIEW),                                         to(REFUNDED),      RefundRules::refundReportedInReview),
            row(Kind.REPORT_UNKNOWN,  from(SessionStatus.values()),                         to(),              ReportRules::unknownStatus),
            row(Kind.CANCEL,          from(CREATED, PENDING, FAILED),                       to(CANCELLED),     SessionTransitions::cancel),
            row(Kind.REFUND,          from(PAID),                                           to(),              RefundRules::refundReserved),
            row(Kind.REFUND,          from(REVIEW),                                         to(),              RefundRules::refundReservedInReview),
            // A merchant retrying a refund that completed (or any refund the session knows) is answered as before.
            row(Kind.REFUND,          from(CREATED, PENDING, FAILED, EXPIRED, CANCELLED, REFUNDED), to(),     RefundRules::refundAskedAgain),
            row(Kind.SETTLE_REFUND,   from(PAID, REVIEW),                                   to(REFUNDED),      RefundRules::settle),
            row(Kind.SETTLE_REFUND,   from(CREATED, PENDING, FAILED, EXPIRED, CANCELLED, REFUNDED), to(),     RefundRules::settledBefore),
            row(Kind.RESOLVE_REVIEW,  from(REVIEW),                                         to(PAID, FAILED),  SessionTransitions::resolveReview),
            row(Kind.EXPIRE,          from(CREATED, PENDING, FAILED),                       to(EXPIRED),       SessionTransitions::expire));

    /**
     * Every allowed change of status (SPEC.md), made from {@link #TABLE}. A partial refund, a reservation or a refusal
     * keeps PAID or REVIEW and is not a change of status ({@link #keepsStatus}).
     */
    public static final Map<SessionStatus, Set<SessionStatus>> ALLOWED = allowed();

    private static final Set<SessionStatus> EXPIRABLE = EnumSet.of(CREATED, PENDING, FAILED);

    private SessionTransitions() {
    }

    /** What a command is, for the table; a provider's report by the status it reports. */
    enum Kind {
        CREATE("be created"), START_ATTEMPT("start a payment attempt"), REPORT_PENDING("take a pending report"),
        REPORT_PAID("take a payment"), REPORT_FAILED("take a failure report"), REPORT_REVIEW("take a review report"),
        REPORT_REFUNDED("take a refund report"), REPORT_UNKNOWN("take a report nobody knows"), CANCEL("be cancelled"),
        REFUND("be refunded"), SETTLE_REFUND("have a refund settled"), RESOLVE_REVIEW("have a review resolved"), EXPIRE("expire");

        /** What a session in a status that has no row for this kind "cannot" do, in the rejection's sentence. */
        final String verb;

        Kind(String verb) {
            this.verb = verb;
        }
    }

    /** A rule: decides a command the table allows in the session's status. */
    @FunctionalInterface
    interface Rule {
        Decision decide(Step step);
    }

    /** One row of {@link #TABLE}. */
    record Row(Kind kind, From from, Set<SessionStatus> to, Rule rule) {
    }

    private static Row row(Kind kind, From from, Set<SessionStatus> to, Rule rule) {
        return new Row(kind, from, to, rule);
    }

    private static From from(SessionStatus... statuses) {
        return new From(Set.copyOf(EnumSet.copyOf(List.of(statuses))), false);
    }

    private static Set<SessionStatus> to(SessionStatus... statuses) {
        return statuses.length == 0 ? Set.of() : Set.copyOf(EnumSet.copyOf(List.of(statuses)));
    }

    /** The table indexed for the hot path: (kind, status) → row, built once from {@link #TABLE}. */
    private static final Map<Kind, Map<SessionStatus, Row>> INDEX = index();
    /** The rows taken before the session exists, by kind. */
    private static final Map<Kind, Row> BEFORE_SESSION = beforeSession();

    private static Map<Kind, Map<SessionStatus, Row>> index() {
        Map<Kind, Map<SessionStatus, Row>> index = new EnumMap<>(Kind.class);
        for (Row row : TABLE) {
            for (SessionStatus from : row.from().statuses()) {
                index.computeIfAbsent(row.kind(), k -> new EnumMap<>(SessionStatus.class)).put(from, row);
            }
        }
        return index;
    }

    private static Map<Kind, Row> beforeSession() {
        Map<Kind, Row> rows = new EnumMap<>(Kind.class);
        TABLE.stream().filter(row -> row.from().noSession()).forEach(row -> rows.put(row.kind(), row));
        return rows;
    }

    /** The row for a command of this kind in this status ({@code null}: no session yet), or null when there is none. */
    static Row rowFor(Kind kind, SessionStatus status) {
        if (status == null) {
            return BEFORE_SESSION.get(kind);
        }
        Map<SessionStatus, Row> rows = INDEX.get(kind);
        return rows == null ? null : rows.get(status);
    }

    private static Map<SessionStatus, Set<SessionStatus>> allowed() {
        Map<SessionStatus, Set<SessionStatus>> table = new EnumMap<>(SessionStatus.class);
        for (SessionStatus status : SessionStatus.values()) {
            table.put(status, EnumSet.noneOf(SessionStatus.class));
        }
        for (Row row : TABLE) {
            for (SessionStatus from : row.from().statuses()) {
                table.get(from).addAll(row.to());
            }
        }
        Map<SessionStatus, Set<SessionStatus>> frozen = new EnumMap<>(SessionStatus.class);
        table.forEach((from, to) -> frozen.put(from, Collections.unmodifiableSet(to)));
        return Collections.unmodifiableMap(frozen);
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

    /**
     * Decides one command against the session's current state ({@code null}: the session does not exist): the events it
     * causes, or why it causes none. A command id seen before is idempotency, not lifecycle, and is answered first.
     */
    public static Decision decide(SessionState state, SessionCommand command) {
        String digest = CommandDigest.of(command);
        if (state != null) {
            for (AppliedCommand applied : state.getRecentCommands()) {
                if (applied.getCommandId().equals(command.getCommandId())) {
                    return applied.getDigest().equals(digest)
                            ? new Duplicate("command " + command.getCommandId() + " was applied before")
                            : new Flagged(COMMAND_ID_REUSED, "command id " + command.getCommandId()
                                    + " was applied before with a different payload; this one was recorded, not applied");
                }
            }
        }
        Kind kind = kind(command.getPayload());
        if (kind == null) {
            return new Rejected(INVALID_TRANSITION, "unknown command " + command.getPayload().getClass().getSimpleName());
        }
        Row row = rowFor(kind, state == null ? null : state.getStatus());
        if (row == null) {
            return state == null ? new Rejected(NOT_FOUND, "session " + command.getSessionId() + " does not exist")
                    : new Rejected(INVALID_TRANSITION, "a " + state.getStatus().name().toLowerCase() + " session cannot " + kind.verb);
        }
        return row.rule().decide(new Step(state, command, digest, row));
    }

    /** The table's kind of a command. */
    static Kind kind(Object payload) {
        if (payload instanceof CreateSession) {
            return Kind.CREATE;
        }
        if (payload instanceof StartPaymentAttempt) {
            return Kind.START_ATTEMPT;
        }
        if (payload instanceof ProviderReport report) {
            return switch (reported(report)) {
                case PENDING -> Kind.REPORT_PENDING;
                case PAID -> Kind.REPORT_PAID;
                case FAILED -> Kind.REPORT_FAILED;
                case REVIEW -> Kind.REPORT_REVIEW;
                case REFUNDED -> Kind.REPORT_REFUNDED;
                case UNKNOWN -> Kind.REPORT_UNKNOWN;
            };
        }
        if (payload instanceof CancelSession) {
            return Kind.CANCEL;
        }
        if (payload instanceof RefundSession refund) {
            return refund.getSettlement() == null ? Kind.REFUND : Kind.SETTLE_REFUND;
        }
        if (payload instanceof ResolveReview) {
            return Kind.RESOLVE_REVIEW;
        }
        if (payload instanceof ExpireSession) {
            return Kind.EXPIRE;
        }
        return null; // the command schema is a closed union: a new member must be given a kind and its rows here
    }

    /** What the provider reported, in Kassa's words (the aggregate normalizes the provider's own word). */
    static ReportedStatus reported(ProviderReport report) {
        return report.getStatus() == ReportedStatus.UNKNOWN ? ProviderStatuses.normalize(report.getProviderStatus()) : report.getStatus();
    }

    // ---- The rules of the table, in its order.

    private static Decision create(Step step) {
        CreateSession c = (CreateSession) step.command.getPayload();
        return step.apply(CREATED, new SessionCreated(c.getOrderId(), c.getAmountMinor(), c.getCurrency(), c.getShopDomain(),
                c.getCustomerEmail(), c.getReturnUrl(), c.getCancelUrl(), c.getMetaJson(), c.getExpiresAt(),
                c.getGraceSeconds(), c.getLatePaymentPolicy(), c.getMethodHint(), c.getProviderHint(), c.getSelectedProvider(),
                c.getDescription(), c.getLineItems(), c.getCollect(), c.getCustomFields()));
    }

    private static Decision exists(Step step) {
        return new Rejected(SESSION_EXISTS, "session " + step.command.getSessionId() + " already exists");
    }

    private static Decision startAttempt(Step step) {
        SessionState s = step.state;
        StartPaymentAttempt attempt = (StartPaymentAttempt) step.command.getPayload();
        if (!step.now.isBefore(s.getExpiresAt())) {
            return new Rejected(SESSION_EXPIRED, "session " + s.getSessionId() + " expired at " + s.getExpiresAt());
        }
        if (attempt(s, attempt.getAttemptId()) != null) {
            return new Rejected(INVALID_TRANSITION, "attempt " + attempt.getAttemptId() + " was started before; a new attempt needs a new id");
        }
        if (s.getAttempts().size() >= MAX_ATTEMPTS) {
            return new Rejected(TOO_MANY_ATTEMPTS, "session " + s.getSessionId() + " has had " + MAX_ATTEMPTS
                    + " payment attempts; start a new checkout");
        }
        return step.apply(PENDING, new PaymentPending(attempt.getAttemptId(), attempt.getMethod(), attempt.getProvider(),
                attempt.getProviderPaymentId(), null, attempt.getPayer()));
    }

    private static Decision cancel(Step step) {
        return step.apply(CANCELLED, new SessionCancelled(((CancelSession) step.command.getPayload()).getReason()));
    }

    private static Decision resolveReview(Step step) {
        SessionState s = step.state;
        ResolveReview resolve = (ResolveReview) step.command.getPayload();
        if (reserved(s) > 0) {
            return new Rejected(REFUND_IN_PROGRESS, "a refund of this session is being executed; resolve the review after it");
        }
        return switch (resolve.getResolution()) {
            // A person approved it: what the provider reported is what was paid, even when it was not the amount.
            case APPROVE -> step.apply(PAID, new PaymentSucceeded(s.getProvider() == null ? "manual" : s.getProvider(), null,
                    s.getProviderPaymentId(), refundable(s), s.getPaidCurrency() != null ? s.getPaidCurrency() : s.getCurrency(),
                    Map.of(), s.getLate(), null, resolve.getNote()));
            // Money the provider reported received is returned by a refund; a reject would leave it with the merchant.
            case REJECT -> s.getReviewMoneyReceived() ? new Rejected(MONEY_RECEIVED, "the provider reported this payment as received ("
                    + s.getReviewReason() + "); refund it instead of rejecting")
                    : step.apply(FAILED, new PaymentFailed(s.getProvider(), s.getAttemptId(), "review_rejected", resolve.getNote()));
            // Reserved like a merchant's refund; the gateway has the provider execute "review-<command id>" and settles it.
            case REFUND -> {
                long left = refundable(s) - s.getRefundedMinor();
                Rejected invalid = step.refundAmount(left, left, true);
                yield invalid != null ? invalid : step.apply(REVIEW, new RefundRecorded(reviewRefundId(step.command.getCommandId()), left,
                        s.getRefundedMinor(), false, resolve.getNote(), RefundPhase.RESERVED, null, null));
            }
        };
    }

    private static Decision expire(Step step) {
        SessionState s = step.state;
        if (step.now.isBefore(s.getExpiresAt())) {
            return new Rejected(NOT_DUE, "session " + s.getSessionId() + " expires at " + s.getExpiresAt() + ", not before");
        }
        return step.apply(EXPIRED, new SessionExpired(s.getExpiresAt()));
    }

    /** The refund id that the auto-refund policy reserves for a payment after the grace window. */
    public static String autoRefundId(String providerEventId) {
        return RefundLedger.autoRefundId(providerEventId);
    }

    /** The refund id that a review's REFUND resolution reserves. */
    public static String reviewRefundId(String commandId) {
        return RefundLedger.reviewRefundId(commandId);
    }

}
