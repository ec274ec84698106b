package dev.kassa.aggregate.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.Decision.Applied;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever commands arrive, in whatever order, the log stays a valid history that replays to the same state. */
class SessionTransitionsProperties {

    /** One step of a random history: a command kind, a session, how far the clock moves, and whether to resend an old id. */
    record Step(int kind, long session, int secondsLater, boolean resendPrevious) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.integers().between(0, 13),
                Arbitraries.longs().between(1, 3),
                Arbitraries.integers().between(0, 900),
                Arbitraries.of(false, false, false, true)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Property(tries = 400)
    void random_command_sequences_keep_the_log_valid_gapless_and_replayable(@ForAll("histories") List<Step> history) {
        Map<Long, SessionState> states = new HashMap<>();
        Map<Long, List<SessionEvent>> log = new HashMap<>();
        List<SessionCommand> sent = new ArrayList<>();
        Instant now = Commands.T0;
        int n = 0;
        for (Step step : history) {
            now = now.plusSeconds(step.secondsLater());
            SessionCommand command = step.resendPrevious() && !sent.isEmpty()
                    ? sent.get(sent.size() - 1)
                    : command(step.kind(), "cmd-" + (n++), step.session(), now);
            sent.add(command);
            SessionState before = states.get(command.getSessionId());
            Decision decision = SessionTransitions.decide(before, command);
            if (decision instanceof Applied applied) {
                long expected = before == null ? 1 : before.getSequence() + 1;
                for (SessionEvent event : applied.events()) {
                    assertThat(event.getSequence()).as("gapless sequence").isEqualTo(expected++);
                    if (event.getPreviousStatus() != null) {
                        boolean partialRefund = event.getPreviousStatus() == SessionStatus.PAID && event.getStatus() == SessionStatus.PAID;
                        assertThat(partialRefund || SessionTransitions.ALLOWED.get(event.getPreviousStatus()).contains(event.getStatus()))
                                .as("%s -> %s allowed", event.getPreviousStatus(), event.getStatus()).isTrue();
                    }
                    log.computeIfAbsent(command.getSessionId(), s -> new ArrayList<>()).add(event);
                }
                assertThat(applied.state().getRefundedMinor()).isBetween(0L, applied.state().getAmountMinor());
                states.put(command.getSessionId(), applied.state());
            } else {
                assertThat(decision).isNotNull();
            }
        }
        for (Map.Entry<Long, SessionState> entry : states.entrySet()) {
            assertThat(SessionFold.replay(log.get(entry.getKey()))).isEqualTo(entry.getValue());
        }
    }

    private static SessionCommand command(int kind, String id, long session, Instant at) {
        return switch (kind) {
            case 0 -> Commands.create(id, session, at, session == 3 ? LatePaymentPolicy.AUTO_REFUND : LatePaymentPolicy.REVIEW);
            case 1 -> Commands.startAttempt(id, session, at, "att-" + id);
            case 2 -> Commands.report(id, session, at, "requires_action");
            case 3 -> Commands.report(id, session, at, "completed");
            case 4 -> Commands.report(id, session, at, "declined");
            case 5 -> Commands.report(id, session, at, "under_review");
            case 6 -> Commands.report(id, session, at, "refunded");
            case 7 -> Commands.cancel(id, session, at);
            case 8 -> Commands.refund(id, session, at, null);
            case 9 -> Commands.refund(id, session, at, 1000L);
            case 10 -> Commands.resolve(id, session, at, ReviewResolution.APPROVE);
            case 11 -> Commands.resolve(id, session, at, ReviewResolution.REJECT);
            case 12 -> Commands.resolve(id, session, at, ReviewResolution.REFUND);
            default -> Commands.expire(id, session, at);
        };
    }
}
