package dev.kassa.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The fair shares and the circuit breaker, with a dispatcher whose answers the test gives by hand. */
class DeliveryLanesTest {

    private static final long SHOP = 1;
    private static final long OTHER_SHOP = 2;
    private static final Duration PAUSE = Duration.ofSeconds(5);

    private final HandDispatcher wire = new HandDispatcher();
    private final MovingClock clock = new MovingClock();
    private final DeliveryLanes lanes = new DeliveryLanes(wire,
            new DeliveryLanes.Limits(16, 20, 1024, 5, PAUSE, Duration.ofMinutes(5)), clock);

    @Test
    void an_endpoint_has_at_most_16_in_flight_and_a_finished_attempt_starts_the_next_at_once() {
        List<CompletionStage<Dispatcher.Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(lanes.submit(SHOP, 10, request(i)));
        }
        assertThat(wire.sent).hasSize(16);
        assertThat(lanes.inFlight(SHOP, 10)).isEqualTo(16);

        wire.answer(0, 200);

        assertThat(now(results.get(0)).delivered()).isTrue();
        assertThat(wire.sent).as("the 17th went out when the first came back, not at a later scan").hasSize(17);
        assertThat(lanes.inFlight(SHOP, 10)).isEqualTo(16);
    }

    @Test
    void a_fast_endpoint_keeps_its_long_line_after_its_lane_went_idle() {
        assertThat(lanes.room(SHOP, 10)).as("an endpoint never seen: its slots and a line as long").isEqualTo(32);
        for (int i = 0; i < 16; i++) {
            lanes.submit(SHOP, 10, request(i));
        }
        for (int i = 0; i < 16; i++) {
            wire.answer(i, 200); // answered at once: a fast receiver
        }
        assertThat(lanes.inFlight(SHOP, 10)).isZero();

        // Its lane is gone (idle), its pace is not: the next scan may hand it a line for the whole refill horizon, not
        // the unknown endpoint's 16 (which a fast receiver empties at once, forever: ~350/s measured).
        assertThat(lanes.room(SHOP, 10)).isEqualTo(16 + 1024);
        assertThat(lanes.room(SHOP, 11)).as("another endpoint is still unknown").isEqualTo(32);
    }

    @Test
    void a_full_endpoint_does_not_hold_another_merchants_endpoint_and_a_merchant_has_its_own_bound() {
        for (int i = 0; i < 16; i++) {
            lanes.submit(SHOP, 10, request(i));
        }
        for (int i = 16; i < 32; i++) {
            lanes.submit(SHOP, 11, request(i)); // the same merchant's second endpoint: 4 more, then the merchant's 20
        }
        lanes.submit(OTHER_SHOP, 20, request(99));

        assertThat(lanes.inFlight(SHOP, 10) + lanes.inFlight(SHOP, 11)).isEqualTo(20);
        assertThat(lanes.inFlight(OTHER_SHOP, 20)).as("another merchant's webhook starts at once").isEqualTo(1);
        assertThat(lanes.room(OTHER_SHOP, 20)).isPositive();
    }

    @Test
    void an_endpoint_that_keeps_failing_is_paused_then_probed_once_and_closed_by_a_success() {
        List<CompletionStage<Dispatcher.Outcome>> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(lanes.submit(SHOP, 10, request(i)));
        }
        for (int i = 0; i < 4; i++) {
            wire.answer(i, 503); // each failure frees a slot, which the next waiting attempt takes
        }
        assertThat(lanes.openCircuits()).isZero();
        wire.answer(4, 503); // the fifth failure in a row

        assertThat(lanes.openCircuits()).isEqualTo(1);
        assertThat(now(results.get(4)).error()).contains("endpoint paused for 5 s");
        assertThat(wire.sent).hasSize(20);
        assertThat(results.subList(20, 30)).as("what waited is handed back unsent, keeping its place in its queue")
                .allSatisfy(r -> assertThat(now(r).sent()).isFalse());
        assertThat(lanes.room(SHOP, 10)).isZero();

        clock.advance(PAUSE.plusMillis(20));
        wire.sent.subList(5, 20).forEach(f -> f.complete(new Dispatcher.Outcome(503, 1, null, null))); // the rest of the wave
        assertThat(lanes.room(SHOP, 10)).as("one probe after the pause").isEqualTo(1);
        CompletionStage<Dispatcher.Outcome> probe = lanes.submit(SHOP, 10, request(50));
        assertThat(lanes.room(SHOP, 10)).isZero();
        wire.sent.get(wire.sent.size() - 1).complete(new Dispatcher.Outcome(200, 1, null, null));

        assertThat(now(probe).delivered()).isTrue();
        assertThat(lanes.openCircuits()).isZero();
        assertThat(lanes.room(SHOP, 10)).isGreaterThan(16);
    }

    @Test
    void a_failed_probe_pauses_the_endpoint_twice_as_long() {
        for (int i = 0; i < 5; i++) {
            lanes.submit(SHOP, 10, request(i));
            wire.answer(i, 500);
        }
        clock.advance(PAUSE.plusMillis(20));
        CompletionStage<Dispatcher.Outcome> probe = lanes.submit(SHOP, 10, request(5));
        wire.answer(5, 500);

        assertThat(now(probe).error()).contains("endpoint paused for 10 s");
        clock.advance(PAUSE.plusMillis(20));
        assertThat(lanes.room(SHOP, 10)).as("still paused after 5 s").isZero();
        clock.advance(PAUSE);
        assertThat(lanes.room(SHOP, 10)).isEqualTo(1);
    }

    @Test
    void an_operators_redelivery_passes_an_open_circuit() {
        for (int i = 0; i < 5; i++) {
            lanes.submit(SHOP, 10, request(i));
            wire.answer(i, 500);
        }
        Dispatcher.Request redelivery = new Dispatcher.Request("evt_r_1", 1, new byte[0], 1, "http://shop.test/hook", "whsec_x", null, true);

        lanes.submit(SHOP, 10, redelivery);

        assertThat(wire.sent).hasSize(6);
    }

    /** The outcome, which must be known by now (the hand dispatcher answers synchronously). */
    private static Dispatcher.Outcome now(CompletionStage<Dispatcher.Outcome> result) {
        Dispatcher.Outcome outcome = result.toCompletableFuture().getNow(null);
        assertThat(outcome).as("answered").isNotNull();
        return outcome;
    }

    private static Dispatcher.Request request(int i) {
        return new Dispatcher.Request("evt_" + i + "_1", i, new byte[0], 1, "http://shop.test/hook", "whsec_x", null, false);
    }

    /** Sends nothing: each attempt waits until the test answers it. */
    private static final class HandDispatcher implements Dispatcher {
        final List<CompletableFuture<Outcome>> sent = new ArrayList<>();

        @Override
        public CompletionStage<Outcome> send(Request request) {
            CompletableFuture<Outcome> answer = new CompletableFuture<>();
            sent.add(answer);
            return answer;
        }

        void answer(int index, int status) {
            sent.get(index).complete(new Outcome(status, 1, null, null));
        }

        @Override
        public void close() {
        }
    }

    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
