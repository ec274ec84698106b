package dev.kassa.gateway.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.aggregate.domain.Decision;
import dev.kassa.aggregate.domain.Envelope;
import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.gateway.kafka.CommandSender;
import dev.kassa.gateway.kafka.SessionLookup;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundSession;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Refunds without a broker: the session aggregate is its pure decider applied in memory (the same
 * {@link SessionTransitions} the aggregate runs), the provider a connector that records what it was asked. What reaches
 * the provider, and when, is the point: a refund is executed once per refund id, only after it is reserved, and never
 * for more than is left.
 */
class RefundsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final long SESSION = 4242;
    private static final long MERCHANT = 7;

    /** The aggregate as a function, with the state it folded: what CommandBus and SessionReads are to Kafka. */
    private static final class Aggregate implements CommandSender, SessionLookup {
        SessionState state;
        final List<String> commands = new ArrayList<>();

        @Override
        public CommandResult sendOrUnavailable(SessionCommand command) {
            commands.add(command.getCommandId());
            Decision decision = SessionTransitions.decide(state, command);
            CommandOutcome outcome;
            String code = null;
            if (decision instanceof Decision.Accepted accepted) {
                state = Envelope.append(state, command, accepted).state();
                outcome = CommandOutcome.APPLIED;
            } else if (decision instanceof Decision.Duplicate) {
                outcome = CommandOutcome.DUPLICATE;
            } else if (decision instanceof Decision.Flagged flagged) {
                outcome = CommandOutcome.FLAGGED;
                code = flagged.code().code();
            } else {
                outcome = CommandOutcome.REJECTED;
                code = ((Decision.Rejected) decision).code().code();
            }
            return CommandResult.newBuilder().setCommandId(command.getCommandId()).setSessionId(command.getSessionId())
                    .setCommandType(command.getPayload().getClass().getSimpleName()).setOutcome(outcome).setErrorCode(code)
                    .setMessage(code).setStatus(state == null ? null : state.getStatus())
                    .setSequence(state == null ? null : state.getSequence()).setDecidedAt(command.getIssuedAt()).build();
        }

        @Override
        public SessionState session(long id, long sequence, Duration timeout) {
            return state != null && state.getSessionId() == id && state.getSequence() >= sequence ? state : null;
        }
    }

    /** A provider that accepts refunds (or refuses them all) and remembers each it was asked to execute. */
    private static final class Provider implements PaymentConnector {
        boolean accepts = true;
        final List<String> executed = new ArrayList<>();

        @Override
        public Started startAttempt(AttemptRequest request) {
            throw new UnsupportedOperationException("not part of a refund");
        }

        @Override
        public RefundAnswer refund(SessionState session, String refundId, long amountMinor) {
            executed.add(refundId + ":" + amountMinor);
            return accepts ? new RefundAnswer(true, "re_" + refundId, null) : new RefundAnswer(false, null, "card closed");
        }

        @Override
        public String callbackSecret(String provider) {
            return null;
        }
    }

    private final SessionCommands commands = new SessionCommands(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Aggregate aggregate = new Aggregate();
    private final Provider provider = new Provider();
    private final Refunds refunds = new Refunds(aggregate, aggregate, Optional.of(provider), commands);

    RefundsTest() {
        aggregate.sendOrUnavailable(commands.of("create", SESSION, MERCHANT, "merchant", CreateSession.newBuilder().setOrderId("R-1")
                .setAmountMinor(10_000).setCurrency("EUR").setShopDomain("shop.example").setExpiresAt(NOW.plusSeconds(900))
                .setGraceSeconds(1800).build()));
        aggregate.sendOrUnavailable(commands.of("attempt", SESSION, MERCHANT, "buyer", new StartPaymentAttempt("att-1", "card", "sandbox", "pay-1", null)));
        aggregate.sendOrUnavailable(commands.of("provider:sandbox:pe-1", SESSION, MERCHANT, "provider:sandbox", ProviderReport.newBuilder()
                .setProvider("sandbox").setProviderEventId("pe-1").setProviderStatus("completed").setStatus(ReportedStatus.UNKNOWN)
                .setAttemptId("att-1").setProviderPaymentId("pay-1").setReferences(Map.of()).setAmountMinor(10_000L).setCurrency("EUR")
                .setPayloadSha256("00").setReportedAt(NOW).build()));
        assertThat(aggregate.state.getStatus()).as("fixture: a paid session").isEqualTo(SessionStatus.PAID);
    }

    @Test
    void a_full_refund_is_reserved_executed_once_and_recorded() throws Exception {
        Refunds.Result result = refunds.refund(aggregate.state, "rf-1", null, "customer asked", "merchant");

        assertThat(result.refused()).isFalse();
        assertThat(result.refund().getPhase()).isEqualTo(RefundPhase.RECORDED);
        assertThat(provider.executed).containsExactly("rf-1:10000");
        assertThat(result.session().getStatus()).isEqualTo(SessionStatus.REFUNDED);
        assertThat(result.session().getRefundedMinor()).isEqualTo(10_000);
    }

    @Test
    void asking_again_with_the_same_refund_id_answers_the_same_and_moves_no_more_money() throws Exception {
        refunds.refund(aggregate.state, "rf-1", 4_000L, null, "merchant");
        Refunds.Result again = refunds.refund(aggregate.state, "rf-1", 4_000L, null, "merchant");

        assertThat(provider.executed).containsExactly("rf-1:4000");
        assertThat(again.refund().getPhase()).isEqualTo(RefundPhase.RECORDED);
        assertThat(again.session().getRefundedMinor()).isEqualTo(4_000);
    }

    @Test
    void the_same_refund_id_with_another_amount_is_a_conflict() throws Exception {
        refunds.refund(aggregate.state, "rf-1", 4_000L, null, "merchant");

        assertThatThrownBy(() -> refunds.refund(aggregate.state, "rf-1", 5_000L, null, "merchant"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("idempotency_conflict"));
        assertThat(provider.executed).containsExactly("rf-1:4000");
    }

    @Test
    void more_than_is_left_is_refused_before_the_provider_is_asked() throws Exception {
        refunds.refund(aggregate.state, "rf-1", 6_000L, null, "merchant");

        assertThatThrownBy(() -> refunds.refund(aggregate.state, "rf-2", 4_001L, null, "merchant"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_amount"));
        assertThat(provider.executed).containsExactly("rf-1:6000");
        assertThat(aggregate.state.getRefundedMinor()).isEqualTo(6_000);
    }

    @Test
    void a_refusal_by_the_provider_is_recorded_and_the_money_stays_paid() throws Exception {
        provider.accepts = false;

        Refunds.Result result = refunds.refund(aggregate.state, "rf-1", null, null, "merchant");

        assertThat(result.refused()).isTrue();
        assertThat(result.session().getStatus()).isEqualTo(SessionStatus.PAID);
        assertThat(result.session().getRefundedMinor()).isZero();
    }

    @Test
    void a_reservation_left_by_a_gateway_that_died_is_finished_by_the_next_ask() throws Exception {
        // The reservation alone, as a gateway that died before asking the provider left it.
        CommandResult reserved = aggregate.sendOrUnavailable(commands.of("refund-left", SESSION, MERCHANT, "merchant",
                new RefundSession("rf-1", 3_000L, null, null, null)));
        assertThat(reserved.getOutcome()).isEqualTo(CommandOutcome.APPLIED);
        assertThat(provider.executed).isEmpty();

        Refunds.Result result = refunds.finish(SESSION, "rf-1", reserved.getSequence(), "refund-executor");

        assertThat(provider.executed).containsExactly("rf-1:3000");
        assertThat(result.refund().getPhase()).isEqualTo(RefundPhase.RECORDED);
    }

    @Test
    void without_a_connector_nothing_is_reserved() {
        Refunds live = new Refunds(aggregate, aggregate, Optional.empty(), commands);
        int before = aggregate.commands.size();

        assertThatThrownBy(() -> live.refund(aggregate.state, "rf-1", null, null, "merchant"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("no_live_provider"));
        assertThat(aggregate.commands).hasSize(before);
    }
}
