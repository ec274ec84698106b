package dev.kassa.aggregate.domain;

import static dev.kassa.aggregate.domain.Commands.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.Decision.Applied;
import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every (status × command) pair: the allowed ones and where they lead, the rest and the code they get. */
class SessionTransitionsTableTest {

    private static final long SESSION = 4242;

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource(textBlock = """
            CREATED,   create,          session_exists
            CREATED,   start_attempt,   PENDING
            CREATED,   report_pending,  unknown_attempt
            CREATED,   report_paid,     REVIEW
            CREATED,   report_failed,   unknown_attempt
            CREATED,   report_review,   REVIEW
            CREATED,   report_refunded, invalid_transition
            CREATED,   cancel,          CANCELLED
            CREATED,   refund_full,     invalid_transition
            CREATED,   refund_partial,  invalid_transition
            CREATED,   resolve_approve, invalid_transition
            CREATED,   resolve_reject,  invalid_transition
            CREATED,   resolve_refund,  invalid_transition
            CREATED,   expire,          EXPIRED
            PENDING,   create,          session_exists
            PENDING,   start_attempt,   PENDING
            PENDING,   report_pending,  PENDING
            PENDING,   report_paid,     PAID
            PENDING,   report_failed,   FAILED
            PENDING,   report_review,   REVIEW
            PENDING,   report_refunded, invalid_transition
            PENDING,   cancel,          CANCELLED
            PENDING,   refund_full,     invalid_transition
            PENDING,   refund_partial,  invalid_transition
            PENDING,   resolve_approve, invalid_transition
            PENDING,   resolve_reject,  invalid_transition
            PENDING,   resolve_refund,  invalid_transition
            PENDING,   expire,          EXPIRED
            FAILED,    create,          session_exists
            FAILED,    start_attempt,   PENDING
            FAILED,    report_pending,  PENDING
            FAILED,    report_paid,     PAID
            FAILED,    report_failed,   invalid_transition
            FAILED,    report_review,   invalid_transition
            FAILED,    report_refunded, invalid_transition
            FAILED,    cancel,          CANCELLED
            FAILED,    refund_full,     invalid_transition
            FAILED,    refund_partial,  invalid_transition
            FAILED,    resolve_approve, invalid_transition
            FAILED,    resolve_reject,  invalid_transition
            FAILED,    resolve_refund,  invalid_transition
            FAILED,    expire,          EXPIRED
            REVIEW,    create,          session_exists
            REVIEW,    start_attempt,   invalid_transition
            REVIEW,    report_pending,  invalid_transition
            REVIEW,    report_paid,     PAID
            REVIEW,    report_failed,   FAILED
            REVIEW,    report_review,   invalid_transition
            REVIEW,    report_refunded, REFUNDED
            REVIEW,    cancel,          invalid_transition
            REVIEW,    refund_full,     REVIEW
            REVIEW,    refund_partial,  invalid_amount
            REVIEW,    resolve_approve, PAID
            REVIEW,    resolve_reject,  FAILED
            REVIEW,    resolve_refund,  REVIEW
            REVIEW,    expire,          invalid_transition
            PAID,      create,          session_exists
            PAID,      start_attempt,   invalid_transition
            PAID,      report_pending,  invalid_transition
            PAID,      report_paid,     duplicate
            PAID,      report_failed,   invalid_transition
            PAID,      report_review,   invalid_transition
            PAID,      report_refunded, REFUNDED
            PAID,      cancel,          invalid_transition
            PAID,      refund_full,     PAID
            PAID,      refund_partial,  PAID
            PAID,      resolve_approve, invalid_transition
            PAID,      resolve_reject,  invalid_transition
            PAID,      resolve_refund,  invalid_transition
            PAID,      expire,          invalid_transition
            EXPIRED,   create,          session_exists
            EXPIRED,   start_attempt,   invalid_transition
            EXPIRED,   report_pending,  invalid_transition
            EXPIRED,   report_paid,     PAID
            EXPIRED,   report_failed,   invalid_transition
            EXPIRED,   report_review,   REVIEW
            EXPIRED,   report_refunded, invalid_transition
            EXPIRED,   cancel,          invalid_transition
            EXPIRED,   refund_full,     invalid_transition
            EXPIRED,   refund_partial,  invalid_transition
            EXPIRED,   resolve_approve, invalid_transition
            EXPIRED,   resolve_reject,  invalid_transition
            EXPIRED,   resolve_refund,  invalid_transition
            EXPIRED,   expire,          invalid_transition
            CANCELLED, create,          session_exists
            CANCELLED, start_attempt,   invalid_transition
            CANCELLED, report_pending,  invalid_transition
            CANCELLED, report_paid,     REVIEW
            CANCELLED, report_failed,   invalid_transition
            CANCELLED, report_review,   REVIEW
            CANCELLED, report_refunded, invalid_transition
            CANCELLED, cancel,          invalid_transition
            CANCELLED, refund_full,     invalid_transition
            CANCELLED, refund_partial,  invalid_transition
            CANCELLED, resolve_approve, invalid_transition
            CANCELLED, resolve_reject,  invalid_transition
            CANCELLED, resolve_refund,  invalid_transition
            CANCELLED, expire,          invalid_transition
            REFUNDED,  create,          session_exists
            REFUNDED,  start_attempt,   invalid_transition
            REFUNDED,  report_pending,  invalid_transition
            REFUNDED,  report_paid,     duplicate
            REFUNDED,  report_failed,   invalid_transition
            REFUNDED,  report_review,   invalid_transition
            REFUNDED,  report_refunded, invalid_transition
            REFUNDED,  cancel,          invalid_transition
            REFUNDED,  refund_full,     invalid_transition
            REFUNDED,  refund_partial,  invalid_transition
            REFUNDED,  resolve_approve, invalid_transition
            REFUNDED,  resolve_reject,  invalid_transition
            REFUNDED,  resolve_refund,  invalid_transition
            REFUNDED,  expire,          invalid_transition
            """)
    void every_status_and_command(SessionStatus status, String command, String expected) {
        SessionState state = inStatus(status);
        // Inside the session's life, except expire (after expires_at) and a payment on an expired session (inside grace).
        Instant at = command.equals("expire") || status == SessionStatus.EXPIRED
                ? state.getExpiresAt().plusSeconds(60) : T0.plusSeconds(60);
        Decision decision = SessionTransitions.decide(state, command(command, at));

        if (isStatus(expected)) {
            assertThat(decision).isInstanceOf(Applied.class);
            Applied applied = (Applied) decision;
            SessionEvent last = applied.events().get(applied.events().size() - 1);
            assertThat(applied.state().getStatus()).isEqualTo(SessionStatus.valueOf(expected));
            assertThat(last.getStatus()).isEqualTo(SessionStatus.valueOf(expected));
            assertThat(applied.events().get(0).getPreviousStatus()).isEqualTo(status);
            assertThat(applied.events().get(0).getSequence()).isEqualTo(state.getSequence() + 1);
            assertThat(applied.state().getSequence()).isEqualTo(last.getSequence());
            for (SessionEvent e : applied.events()) {
                assertThat(SessionTransitions.keepsStatus(e.getPreviousStatus(), e.getStatus(), e.getPayload())
                        || SessionTransitions.ALLOWED.get(e.getPreviousStatus()).contains(e.getStatus()))
                        .as("%s -> %s is in the table", e.getPreviousStatus(), e.getStatus()).isTrue();
            }
        } else if (expected.equals("duplicate")) {
            assertThat(decision).isInstanceOf(Duplicate.class);
        } else if (expected.equals(ErrorCode.SECOND_PAYMENT.code())) {
            assertThat(decision).isInstanceOfSatisfying(Flagged.class, f -> assertThat(f.code().code()).isEqualTo(expected));
        } else {
            assertThat(decision).isInstanceOfSatisfying(Rejected.class, r -> {
                assertThat(r.code().code()).isEqualTo(expected);
                assertThat(r.message()).isNotBlank();
                assertThat(r.state()).isEqualTo(state);
            });
        }
    }

    private static boolean isStatus(String expected) {
        return expected.equals(expected.toUpperCase());
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
            case "cancel" -> Commands.cancel("c-cancel", SESSION, at);
            case "refund_full" -> Commands.refund("c-rf", SESSION, at, null);
            case "refund_partial" -> Commands.refund("c-rp2", SESSION, at, 1000L);
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
        Decision decision = SessionTransitions.decide(state, command);
        assertThat(decision).as("fixture step %s", command.getCommandId()).isInstanceOf(Applied.class);
        return ((Applied) decision).state();
    }
}
