package dev.kassa.aggregate.domain;

import static dev.kassa.aggregate.domain.Commands.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.Decision.Accepted;
import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.aggregator.ArgumentsAccessor;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The session decider as a grid: each kind of command (rows, in the order of {@link SessionTransitions#TABLE}) in each
 * status (columns, and "none": before the session exists), and what it decides.
 *
 * <p>The fixture. Session 4242 of merchant 88: 79.00 EUR, created at T0 = 2026-02-25T12:00:00Z, expiring 900 s later
 * with a 1,800 s grace window. Each status is reached through the table itself, never built by hand: attempt
 * {@code att-1} at sandbox-card started at T0+10 s, and from there declined (FAILED), sent to review (REVIEW), paid in
 * full (PAID), expired at its expires_at (EXPIRED), cancelled (CANCELLED), or paid and refunded in full through refund
 * {@code rf-c-f1}, reserved and settled (REFUNDED). Every command comes at T0+60 s, except an expiry and any command to
 * an expired session: expires_at + 60 s, inside the grace window. Reports come from att-1 for the full amount; a new
 * attempt is {@code att-2}; a partial refund is 10.00; "settle" is the provider's acceptance of {@code rf-c-f1}.
 *
 * <p>A cell is the status after the command's last event (accepted), {@code dup} (a duplicate: nothing changes),
 * {@code -} ({@code invalid_transition}: the pair has no row), {@code exists} ({@code session_exists}),
 * {@code no_status} ({@code unknown_provider_status}), or the error code of a refusal.
 */
class SessionTransitionsTableTest {

    private static final long SESSION = 4242;
    private static final List<String> COLUMNS = List.of("none", "CREATED", "PENDING", "FAILED", "REVIEW", "PAID", "EXPIRED",
            "CANCELLED", "REFUNDED");
    private static final Map<String, String> SHORT = Map.of("-", "invalid_transition", "exists", "session_exists",
            "no_status", "unknown_provider_status");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ',', textBlock = """
            # command        none       CREATED          PENDING    FAILED     REVIEW          PAID       EXPIRED    CANCELLED  REFUNDED
            create,          CREATED,   exists,          exists,    exists,    exists,         exists,    exists,    exists,    exists
            start_attempt,   not_found, PENDING,         PENDING,   PENDING,   -,              -,         -,         -,         -
            report_pending,  not_found, unknown_attempt, PENDING,   PENDING,   -,              -,         -,         -,         -
            report_paid,     not_found, REVIEW,          PAID,      PAID,      PAID,           dup,       PAID,      REVIEW,    dup
            report_failed,   not_found, unknown_attempt, FAILED,    -,         FAILED,         -,         -,         -,         -
            report_review,   not_found, REVIEW,          REVIEW,    -,         -,              -,         REVIEW,    REVIEW,    -
            report_refunded, not_found, -,               -,         -,         REFUNDED,       REFUNDED,  -,         -,         -
            report_unknown,  not_found, no_status,       no_status, no_status, no_status,      no_status, no_status, no_status, no_status
            cancel,          not_found, CANCELLED,       CANCELLED, CANCELLED, -,              -,         -,         -,         -
            refund_full,     not_found, -,               -,         -,         REVIEW,         PAID,      -,         -,         -
            refund_partial,  not_found, -,               -,         -,         invalid_amount, PAID,      -,         -,         -
            settle,          not_found, not_found,       not_found, not_found, not_found,      not_found, not_found, not_found, dup
            resolve_approve, not_found, -,               -,         -,         PAID,           -,         -,         -,         -
            resolve_reject,  not_found, -,               -,         -,         FAILED,         -,         -,         -,         -
            resolve_refund,  not_found, -,               -,         -,         REVIEW,         -,         -,         -,         -
            expire,          not_found, EXPIRED,         EXPIRED,   EXPIRED,   -,              -,         -,         -,         -
            """)
    void every_kind_of_command_in_every_status(ArgumentsAccessor row) {
        String command = row.getString(0);
        for (int column = 0; column < COLUMNS.size(); column++) {
            String status = COLUMNS.get(column);
            SessionState state = status.equals("none") ? null : inStatus(SessionStatus.valueOf(status));
            String expected = SHORT.getOrDefault(row.getString(column + 1), row.getString(column + 1));
            check(state, command, expected);
        }
    }

    /** The grid's rows are the table's kinds in the table's order, and a pair the table has no row for is refused. */
    @Test
    void the_grid_follows_the_table() {
        List<SessionTransitions.Kind> gridOrder = new ArrayList<>(new LinkedHashSet<>(GRID_KINDS.values()));
        List<SessionTransitions.Kind> tableOrder = new ArrayList<>(new LinkedHashSet<>(
                SessionTransitions.TABLE.stream().map(SessionTransitions.Row::kind).toList()));
        assertThat(gridOrder).isEqualTo(tableOrder);
        for (var entry : GRID_KINDS.entrySet()) {
            for (String status : COLUMNS) {
                SessionStatus s = status.equals("none") ? null : SessionStatus.valueOf(status);
                if (SessionTransitions.rowFor(entry.getValue(), s) == null) {
                    check(s == null ? null : inStatus(s), entry.getKey(), s == null ? "not_found" : "invalid_transition");
                }
            }
        }
    }

    /**
     * The grid's REVIEW is the provider's own review (under_review): the provider holds the money, and a reject declines
     * it. A review opened by a payment report (here a payment after the buyer cancelled) is money received: a person
     * approves or refunds it; a reject, and a failure the provider reports afterwards, are refused with {@code money_received}.
     */
    @Test
    void a_review_of_money_reported_received_is_approved_or_refunded_never_rejected() {
        assertThat(inStatus(SessionStatus.REVIEW).getReviewMoneyReceived()).isFalse();
        SessionState paidAfterCancel = applied(inStatus(SessionStatus.CANCELLED), Commands.report("c-late", SESSION, T0.plusSeconds(30), "completed"));
        assertThat(paidAfterCancel.getStatus()).isEqualTo(SessionStatus.REVIEW);
        assertThat(paidAfterCancel.getReviewReason()).isEqualTo("paid_after_cancel");
        assertThat(paidAfterCancel.getReviewMoneyReceived()).isTrue();
        check(paidAfterCancel, "resolve_reject", "money_received");
        check(paidAfterCancel, "report_failed", "money_received"); // a stale failure never drops money reported received
        check(paidAfterCancel, "resolve_approve", "PAID");
        check(paidAfterCancel, "resolve_refund", "REVIEW");
    }

    /** The commands of the grid, in its order, and the kind each is. */
    private static final Map<String, SessionTransitions.Kind> GRID_KINDS = gridKinds();

    private static Map<String, SessionTransitions.Kind> gridKinds() {
        Map<String, SessionTransitions.Kind> kinds = new LinkedHashMap<>();
        for (String name : List.of("create", "start_attempt", "report_pending", "report_paid", "report_failed", "report_review",
                "report_refunded", "report_unknown", "cancel", "refund_full", "refund_partial", "settle", "resolve_approve",
                "resolve_reject", "resolve_refund", "expire")) {
            kinds.put(name, SessionTransitions.kind(command(name, T0).getPayload()));
        }
        return kinds;
    }

    private static void check(SessionState state, String command, String expected) {
        // Inside the session's life, except expire (after expires_at) and a command to an expired session (inside grace).
        Instant at = state != null && (command.equals("expire") || state.getStatus() == SessionStatus.EXPIRED)
                ? state.getExpiresAt().plusSeconds(60) : T0.plusSeconds(60);
        SessionCommand sent = command(command, at);
        Decision decision = SessionTransitions.decide(state, sent);
        String cell = (state == null ? "none" : state.getStatus().name()) + " + " + command;
        if (isStatus(expected)) {
            assertThat(decision).as(cell).isInstanceOf(Accepted.class);
            Envelope appended = Envelope.append(state, sent, (Accepted) decision);
            SessionEvent first = appended.events().get(0);
            SessionEvent last = appended.events().get(appended.events().size() - 1);
            assertThat(appended.state().getStatus()).as(cell).isEqualTo(SessionStatus.valueOf(expected));
            assertThat(last.getStatus()).as(cell).isEqualTo(SessionStatus.valueOf(expected));
            assertThat(first.getPreviousStatus()).as(cell).isEqualTo(state == null ? null : state.getStatus());
            assertThat(first.getSequence()).as(cell).isEqualTo(state == null ? 1 : state.getSequence() + 1);
            assertThat(appended.state().getSequence()).as(cell).isEqualTo(last.getSequence());
            for (SessionEvent e : appended.events()) {
                assertThat(e.getPreviousStatus() == null
                        || SessionTransitions.keepsStatus(e.getPreviousStatus(), e.getStatus(), e.getPayload())
                        || SessionTransitions.ALLOWED.get(e.getPreviousStatus()).contains(e.getStatus()))
                        .as("%s: %s -> %s is in the table", cell, e.getPreviousStatus(), e.getStatus()).isTrue();
            }
        } else if (expected.equals("dup")) {
            assertThat(decision).as(cell).isInstanceOf(Duplicate.class);
        } else if (decision instanceof Flagged flagged) {
            assertThat(flagged.code().code()).as(cell).isEqualTo(expected);
        } else {
            assertThat(decision).as(cell).isInstanceOfSatisfying(Rejected.class, r -> {
                assertThat(r.code().code()).as(cell).isEqualTo(expected);
                assertThat(r.message()).as(cell).isNotBlank();
            });
        }
    }

    private static boolean isStatus(String expected) {
        return expected.equals(expected.toUpperCase()) && !expected.equals("-");
    }

    private static SessionCommand command(String name, Instant at) {
        return switch (name) {
            case "create" -> Commands.create("c-new", SESSION, at);
            case "start_attempt" -> Commands.startAttempt("c-start", SESSION, at, "att-2");
            case "report_pending" -> Commands.report("c-rp", SESSION, at, "requires_action");
            case "report_paid" -> Commands.report("c-paid", SESSION, at, "completed");
            case "report_failed" -> Commands.report("c-fail", SESSION, at, "declined");
            case "report_review" -> Commands.report("c-rev", SESSION, at, "under_review");
            case "report_refunded" -> Commands.report("c-ref", SESSION, at, "refunded");
            case "report_unknown" -> Commands.report("c-unk", SESSION, at, "teleported");
            case "cancel" -> Commands.cancel("c-cancel", SESSION, at);
            case "refund_full" -> Commands.refund("c-rf", SESSION, at, null);
            case "refund_partial" -> Commands.refund("c-rp2", SESSION, at, 1000L);
            case "settle" -> Commands.settle("c-settle", "rf-c-f1", SESSION, at, true);
            case "resolve_approve" -> Commands.resolve("c-ra", SESSION, at, ReviewResolution.APPROVE);
            case "resolve_reject" -> Commands.resolve("c-rj", SESSION, at, ReviewResolution.REJECT);
            case "resolve_refund" -> Commands.resolve("c-rr", SESSION, at, ReviewResolution.REFUND);
            case "expire" -> Commands.expire("c-exp", SESSION, at);
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** A session brought into {@code status} through the table itself, so the fixture cannot be an impossible state. */
    static SessionState inStatus(SessionStatus status) {
        SessionState s = applied(null, Commands.create("c-create", SESSION, T0));
        Instant t = T0.plusSeconds(10);
        return switch (status) {
            case CREATED -> s;
            case PENDING -> pending(s, t);
            case FAILED -> applied(pending(s, t), Commands.report("c-d1", SESSION, t, "declined"));
            case REVIEW -> applied(pending(s, t), Commands.report("c-r1", SESSION, t, "under_review"));
            case PAID -> paid(s, t);
            case EXPIRED -> applied(pending(s, t), Commands.expire("c-e1", SESSION, s.getExpiresAt()));
            case CANCELLED -> applied(pending(s, t), Commands.cancel("c-x1", SESSION, t));
            case REFUNDED -> applied(applied(paid(s, t), Commands.refund("c-f1", SESSION, t, null)),
                    Commands.settle("c-f1-ok", "rf-c-f1", SESSION, t, true));
        };
    }

    /** Attempt {@code att-1} started: the attempt every report of the table comes from. */
    private static SessionState pending(SessionState created, Instant t) {
        return applied(created, Commands.startAttempt("c-a1", SESSION, t, Commands.ATTEMPT));
    }

    private static SessionState paid(SessionState created, Instant t) {
        return applied(pending(created, t), Commands.report("c-p1", SESSION, t, "completed"));
    }

    static SessionState applied(SessionState state, SessionCommand command) {
        Envelope appended = Commands.append(state, command);
        assertThat(appended).as("fixture step %s", command.getCommandId()).isNotNull();
        return appended.state();
    }
}
