package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rule every reader of the log follows: next folds, older repeats, later is a gap that is never folded over. */
class SessionFoldTest {

    private static final Instant T0 = Instant.parse("2026-02-25T12:00:00Z");

    @Test
    void the_next_event_is_folded_and_a_resent_one_changes_nothing() {
        SessionFold.Step first = SessionFold.next(null, created(7));
        assertThat(first).isInstanceOf(SessionFold.Folded.class);
        var state = ((SessionFold.Folded) first).after();
        var second = SessionFold.next(state, pending(7, 2));
        assertThat(second).isInstanceOfSatisfying(SessionFold.Folded.class, f -> {
            assertThat(f.after().getStatus()).isEqualTo(SessionStatus.PENDING);
            assertThat(f.after().getSequence()).isEqualTo(2);
        });
        assertThat(SessionFold.next(((SessionFold.Folded) second).after(), pending(7, 2))).isEqualTo(new SessionFold.Repeated(7, 2));
    }

    @Test
    void a_jump_in_sequence_is_a_gap_that_says_what_is_missing() {
        var state = ((SessionFold.Folded) SessionFold.next(null, created(7))).after();
        assertThat(SessionFold.next(state, pending(7, 4))).isInstanceOfSatisfying(SessionFold.Gap.class, gap -> {
            assertThat(gap.expected()).isEqualTo(2);
            assertThat(gap.found()).isEqualTo(4);
            assertThat(gap.describe()).isEqualTo("session 7 jumps from sequence 1 to 4 (event evt_7_4): the log is missing sequence 2 to 3");
        });
        assertThat(SessionFold.next(null, pending(7, 2))).isInstanceOfSatisfying(SessionFold.Gap.class,
                gap -> assertThat(gap.describe()).endsWith("the log is missing the session's created event"));
    }

    @Test
    void a_log_fold_keeps_every_session_and_every_gap_and_never_folds_past_a_gap() {
        SessionFold.LogFold fold = SessionFold.foldFromLog(List.of(created(1), pending(1, 2), created(2), pending(2, 3), pending(2, 2),
                pending(1, 2)));
        assertThat(fold.states()).containsOnlyKeys(1L, 2L);
        assertThat(fold.states().get(1L).getSequence()).isEqualTo(2);
        assertThat(fold.states().get(2L).getSequence()).isEqualTo(2); // 3 came before 2: a gap, then 2 folded in its turn
        assertThat(fold.gaps()).singleElement().satisfies(gap -> assertThat(gap.sessionId()).isEqualTo(2));
    }

    static SessionEvent created(long session) {
        return SessionEvent.newBuilder().setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(1).setSequence(1)
                .setOccurredAt(T0).setStatus(SessionStatus.CREATED).setPreviousStatus(null).setCause(new EventCause("c", "T", "t", "d"))
                .setPayload(SessionCreated.newBuilder().setOrderId("O-" + session).setAmountMinor(1999).setCurrency("USD")
                        .setShopDomain("shop.example").setExpiresAt(T0.plusSeconds(900)).setGraceSeconds(1800).build()).build();
    }

    static SessionEvent pending(long session, long sequence) {
        return SessionEvent.newBuilder().setEventId("evt_" + session + "_" + sequence).setSessionId(session).setMerchantId(1)
                .setSequence(sequence).setOccurredAt(T0.plusSeconds(sequence)).setStatus(SessionStatus.PENDING)
                .setPreviousStatus(SessionStatus.CREATED).setCause(new EventCause("c" + sequence, "T", "t", "d"))
                .setPayload(new PaymentPending("a" + sequence, "card", "p", null, null, null)).build();
    }
}
