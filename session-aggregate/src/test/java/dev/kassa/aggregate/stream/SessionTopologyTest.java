package dev.kassa.aggregate.stream;

import static dev.kassa.schemas.avro.SessionStatus.CANCELLED;
import static dev.kassa.schemas.avro.SessionStatus.CREATED;
import static dev.kassa.schemas.avro.SessionStatus.EXPIRED;
import static dev.kassa.schemas.avro.SessionStatus.FAILED;
import static dev.kassa.schemas.avro.SessionStatus.PAID;
import static dev.kassa.schemas.avro.SessionStatus.PENDING;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.Commands;
import dev.kassa.aggregate.domain.Envelope;
import dev.kassa.model.SessionFold;
import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionTopologyTest {

    private final SessionDriver kassa = new SessionDriver(Commands.T0);

    @AfterEach
    void close() {
        kassa.close();
    }

    @Test
    void a_buyer_pays_and_every_step_is_a_webhook_worthy_event() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").providerReports("cb-1", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, PAID);
        SessionEvent paid = kassa.events(1).get(2);
        assertThat(paid.getEventId()).isEqualTo("evt_1_3");
        assertThat(paid.getPreviousStatus()).isEqualTo(PENDING);
        assertThat(paid.getCause().getActor()).isEqualTo("provider:sandbox-card");
        assertThat(((PaymentSucceeded) paid.getPayload()).getLate()).isFalse();
        assertThat(kassa.results()).extracting(r -> r.getOutcome()).containsOnly(CommandOutcome.APPLIED);
        assertThat(kassa.stateTopic().get(1L).getStatus()).isEqualTo(PAID);
        assertThat(kassa.stateTopic().get(1L)).isEqualTo(kassa.state(1));
    }

    @Test
    void a_session_given_by_its_history_goes_on_from_there_and_expires_on_time() {
        // The history, decided by the table itself: created, an attempt started.
        List<SessionEvent> history = new ArrayList<>();
        SessionState state = null;
        for (SessionCommand command : List.of(Commands.create("h-create", 9, Commands.T0),
                Commands.startAttempt("h-attempt", 9, Commands.T0, Commands.ATTEMPT))) {
            Envelope applied = Commands.append(state, command);
            history.addAll(applied.events());
            state = applied.state();
        }
        kassa.given(history.toArray(SessionEvent[]::new));
        assertThat(kassa.state(9)).isEqualTo(state);

        kassa.providerReports("h-declined", 9, "declined").advance(Duration.ofMinutes(16));
        kassa.expectStatuses(9, CREATED, PENDING, FAILED, EXPIRED);
        assertThat(kassa.events(9).get(2).getSequence()).as("numbered on from the history").isEqualTo(3);
    }

    @Test
    void the_same_callback_three_times_is_one_transition() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1");
        for (int i = 0; i < 3; i++) {
            kassa.providerReports("cb-paid", 1, "completed");
        }
        kassa.expectStatuses(1, CREATED, PENDING, PAID);
        assertThat(kassa.results()).extracting(r -> r.getOutcome()).containsExactly(CommandOutcome.APPLIED, CommandOutcome.APPLIED,
                CommandOutcome.APPLIED, CommandOutcome.DUPLICATE, CommandOutcome.DUPLICATE);
    }

    @Test
    void a_callback_id_reused_with_another_payload_is_flagged_and_not_applied() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").providerReports("cb-1", 1, "requires_action");
        kassa.providerReports("cb-1", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, PENDING);
        assertThat(kassa.result("cb-1").getOutcome()).isEqualTo(CommandOutcome.FLAGGED);
        assertThat(kassa.result("cb-1").getErrorCode()).isEqualTo("command_id_reused");
    }

    @Test
    void out_of_order_callbacks_never_move_a_paid_session_back() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1");
        kassa.providerReports("cb-paid", 1, "completed");           // arrives first
        kassa.providerReports("cb-3ds", 1, "requires_action");      // was sent earlier
        kassa.providerReports("cb-declined", 1, "declined");        // an earlier attempt's failure

        kassa.expectStatuses(1, CREATED, PENDING, PAID);
        assertThat(kassa.result("cb-3ds").getOutcome()).isEqualTo(CommandOutcome.REJECTED);
        assertThat(kassa.result("cb-declined").getErrorCode()).isEqualTo("invalid_transition");
        assertThat(kassa.state(1).getStatus()).isEqualTo(PAID);
    }

    @Test
    void a_session_expires_at_expires_at_and_only_once() {
        kassa.create("create-1", 1);
        kassa.advance(Duration.ofSeconds(899));
        kassa.expectStatuses(1, CREATED);

        kassa.advance(Duration.ofSeconds(2));
        kassa.expectStatuses(1, CREATED, EXPIRED);
        SessionEvent expired = kassa.events(1).get(1);
        assertThat(expired.getOccurredAt()).isAfterOrEqualTo(kassa.state(1).getExpiresAt());
        assertThat(expired.getCause().getActor()).isEqualTo("expiry");

        kassa.advance(Duration.ofMinutes(10));
        kassa.expectStatuses(1, CREATED, EXPIRED);
    }

    @Test
    void a_paid_session_does_not_expire() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").providerReports("cb-1", 1, "completed");
        kassa.advance(Duration.ofMinutes(20));
        kassa.expectStatuses(1, CREATED, PENDING, PAID);
    }

    @Test
    void a_payment_inside_the_grace_window_is_paid_and_marked_late() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").advance(Duration.ofSeconds(901));
        kassa.advance(Duration.ofMinutes(29)).providerReports("cb-late", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, EXPIRED, PAID);
        assertThat(((PaymentSucceeded) kassa.events(1).get(3).getPayload()).getLate()).isTrue();
        assertThat(kassa.state(1).getLate()).isTrue();
    }

    @Test
    void a_payment_after_the_grace_window_goes_to_review_never_to_the_floor() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").advance(Duration.ofSeconds(901));
        kassa.advance(Duration.ofMinutes(31)).providerReports("cb-too-late", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, EXPIRED, REVIEW);
        assertThat(((ReviewOpened) kassa.events(1).get(3).getPayload()).getReason()).isEqualTo("paid_after_grace");
    }

    @Test
    void with_the_auto_refund_policy_a_payment_after_grace_is_reviewed_then_refunded_in_the_history() {
        kassa.create("create-1", 1, LatePaymentPolicy.AUTO_REFUND).startAttempt("attempt-1", 1, "att-1").advance(Duration.ofSeconds(901));
        kassa.advance(Duration.ofHours(1)).providerReports("cb-too-late", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, EXPIRED, REVIEW, REVIEW);
        assertThat(SessionTransitions.reserved(kassa.state(1))).as("reserved, not refunded: no provider has executed it").isEqualTo(7900);
        assertThat(kassa.state(1).getRefundedMinor()).isZero();

        kassa.settleRefund("auto-settled", 1, SessionTransitions.autoRefundId("cb-too-late"), true);
        kassa.expectStatuses(1, CREATED, PENDING, EXPIRED, REVIEW, REVIEW, REFUNDED);
        assertThat(kassa.state(1).getRefundedMinor()).isEqualTo(7900);
    }

    @Test
    void partial_refunds_keep_the_session_paid_and_a_refund_beyond_what_is_left_is_rejected() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1").providerReports("cb-1", 1, "completed");
        kassa.refund("refund-1", 1, 1000L);
        assertThat(kassa.state(1).getRefundedMinor()).as("reserved, not yet refunded").isZero();
        kassa.settleRefund("refund-1-ok", 1, "rf-refund-1", true);
        assertThat(kassa.state(1).getStatus()).isEqualTo(PAID);
        assertThat(kassa.state(1).getRefundedMinor()).isEqualTo(1000);

        kassa.refund("refund-2", 1, 7000L);
        assertThat(kassa.result("refund-2").getErrorCode()).isEqualTo("invalid_amount");
        assertThat(kassa.result("refund-2").getMessage()).contains("exceeds the 6900 minor units of EUR left to refund");

        kassa.refund("refund-3", 1, null).settleRefund("refund-3-ok", 1, "rf-refund-3", true);
        kassa.expectStatuses(1, CREATED, PENDING, PAID, PAID, PAID, PAID, REFUNDED);
        assertThat(kassa.state(1).getRefundedMinor()).isEqualTo(7900);
    }

    @Test
    void cancel_then_a_payment_report_goes_to_review_so_the_money_is_not_lost() {
        kassa.create("create-1", 1).startAttempt("attempt-1", 1, "att-1");
        kassa.cancel("cancel-1", 1);
        kassa.providerReports("cb-paid", 1, "completed");

        kassa.expectStatuses(1, CREATED, PENDING, CANCELLED, REVIEW);
        assertThat(((ReviewOpened) kassa.events(1).get(3).getPayload()).getReason()).isEqualTo("paid_after_cancel");
    }

    @Test
    void a_buyer_retries_with_another_method_after_a_decline() {
        kassa.create("create-1", 1).startAttempt("a1", 1, "att-1").providerReports("cb-1", 1, "declined");
        kassa.startAttempt("a2", 1, "att-2").providerReportsFor("cb-2", 1, "completed", "att-2");

        kassa.expectStatuses(1, CREATED, PENDING, FAILED, PENDING, PAID);
        assertThat(kassa.state(1).getAttemptCount()).isEqualTo(2);
    }

    @Test
    void an_undecodable_command_gets_a_rejected_result_and_the_stream_goes_on() {
        kassa.sendRaw(7, new byte[] {1, 2, 3});
        kassa.create("create-7", 7);

        assertThat(kassa.results().get(0).getOutcome()).isEqualTo(CommandOutcome.REJECTED);
        assertThat(kassa.results().get(0).getErrorCode()).isEqualTo("undecodable_command");
        assertThat(kassa.results().get(0).getSessionId()).isEqualTo(7);
        kassa.expectStatuses(7, CREATED);
    }

    @Test
    void a_command_for_an_unknown_session_is_rejected_as_not_found() {
        kassa.providerReports("cb-x", 99, "completed");
        assertThat(kassa.result("cb-x").getErrorCode()).isEqualTo("not_found");
        assertThat(kassa.events(99)).isEmpty();
    }

    @Test
    void replaying_the_emitted_events_rebuilds_the_stored_state() {
        kassa.create("c1", 1).startAttempt("a1", 1, "att-1").providerReports("p1", 1, "declined")
                .startAttempt("a2", 1, "att-2").providerReportsFor("p2", 1, "completed", "att-2").refund("r1", 1, 500L);
        kassa.create("c2", 2).advance(Duration.ofSeconds(901)).providerReports("p3", 2, "completed");

        assertThat(SessionFold.replay(kassa.events(1))).isEqualTo(kassa.state(1));
        assertThat(SessionFold.replay(kassa.events(2))).isEqualTo(kassa.state(2));
    }
}
