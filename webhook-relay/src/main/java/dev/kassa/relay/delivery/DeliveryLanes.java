package dev.kassa.relay.delivery;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fair shares of the wire, per relay instance: each webhook endpoint has a lane with at most
 * {@link Limits#perEndpoint()} attempts in flight (SPEC.md: 16) and a short line of attempts waiting for a slot; each
 * merchant has at most {@link Limits#perMerchant()} in flight over all its endpoints. A slow or hostile receiver so
 * fills only its own lane; every other endpoint's attempts start at once. A finished attempt starts the next one
 * waiting in its lane (or in another lane of its merchant) on the spot, without waiting for the relay's next scan:
 * what keeps one fast endpoint's wire full.
 *
 * <p>An endpoint that keeps failing is paused: a circuit breaker per lane (Resilience4j) opens after
 * {@link Limits#failuresToOpen()} failed attempts in a row, lets no attempt through for a wait that doubles each time it
 * opens again (from {@link Limits#firstPause()} up to {@link Limits#longestPause()}), then lets one probe through
 * (half-open): its success closes the circuit, its failure opens it again. Attempts waiting in a lane when its circuit
 * opens are handed back unsent ({@link Dispatcher.Outcome#notSent}): their webhooks keep their place in their queues.
 * Operators' redeliveries take a slot but pass an open circuit (someone asked for that one attempt).
 *
 * <p>Bounded: a lane exists while it has attempts in flight or waiting, or an open circuit or recent failures; waiting
 * lines are bounded by {@link #room} (the relay hands over no more than that). One lock guards it all; every step
 * under it is a few map operations.
 */
public final class DeliveryLanes implements AutoCloseable {

    /** The shares; {@link #DEFAULTS} are SPEC.md's (16 per endpoint) and the documented defaults. */
    public record Limits(int perEndpoint, int perMerchant, int waitingPerEndpoint, int failuresToOpen, Duration firstPause,
                         Duration longestPause) {
        public static final Limits DEFAULTS = new Limits(16, 64, 1024, 5, Duration.ofSeconds(5), Duration.ofMinutes(5));

        public Limits {
            if (perEndpoint < 1 || perMerchant < 1 || waitingPerEndpoint < 0 || failuresToOpen < 1) {
                throw new IllegalArgumentException("delivery limits must be positive: " + perEndpoint + ", " + perMerchant);
            }
        }

        public Limits withInFlight(int endpoint, int merchant) {
            return new Limits(endpoint, merchant, waitingPerEndpoint, failuresToOpen, firstPause, longestPause);
        }
    }

    /** One attempt handed over: sent when its lane and its merchant have a slot. */
    private record Attempt(Dispatcher.Request request, boolean redelivery, CompletableFuture<Dispatcher.Outcome> result) {
    }

    /** One endpoint's lane. */
    private final class Lane {
        final long merchantId;
        final long endpointKey;
        final CircuitBreaker breaker;
        final ArrayDeque<Attempt> waiting = new ArrayDeque<>();
        int active;
        int opens;
        long probeAtNanos;
        /** The token of the attempt let through as the half-open probe, or -1. */
        long probe = -1;
        /** How long its attempts take, smoothed (nanoseconds; 0 before the first): sizes its waiting line. */
        long typicalNanos;
        /** Start times of the attempts in flight, for the oldest one's age. */
        final Map<Long, Long> started = new HashMap<>();

        Lane(long merchantId, long endpointKey) {
            this.merchantId = merchantId;
            this.endpointKey = endpointKey;
            this.breaker = CircuitBreaker.of("we_" + endpointKey, breakerConfig);
            Long remembered = pace.get(endpointKey);
            this.typicalNanos = remembered == null ? 0 : remembered;
        }

        boolean open() {
            return breaker.getState() != CircuitBreaker.State.CLOSED;
        }

        boolean idle() {
            return active == 0 && waiting.isEmpty() && !open() && breaker.getMetrics().getNumberOfFailedCalls() == 0;
        }
    }

    /** One merchant's lanes and its attempts in flight over all of them. */
    private static final class Merchant {
        final Map<Long, Lane> lanes = new HashMap<>();
        int active;
    }

    private final Dispatcher dispatcher;
    private final Limits limits;
    private final CircuitBreakerConfig breakerConfig;
    private final IntervalFunction pauses;
    private final LongSupplier nanoClock;
    private final Map<Long, Merchant> merchants = new HashMap<>();
    /**
     * How long each endpoint's attempts took when its lane last went idle. A fast endpoint's lane empties between two
     * scans (it finishes its line in a millisecond or two) and is dropped; without this its next lane started with no
     * estimate, so with the short line of an unknown endpoint, emptied again at once, and a fast endpoint was held to
     * its slots per scan (~350/s) for as long as that repeated. Bounded: the endpoints seen most recently, LRU.
     */
    private final Map<Long, Long> pace = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > PACE_REMEMBERED;
        }
    };
    private long nextToken;

    /** @param clock the relay's clock: pauses are measured on it (the system clock; tests pass the one they move) */
    public DeliveryLanes(Dispatcher dispatcher, Limits limits, Clock clock) {
        this.dispatcher = dispatcher;
        this.limits = limits;
        this.nanoClock = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.pauses = IntervalFunction.ofExponentialBackoff(limits.firstPause(), 2.0, limits.longestPause());
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindow(limits.failuresToOpen(), limits.failuresToOpen(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100f) // every one of the last N failed: "keeps failing", not "failed once"
                .permittedNumberOfCallsInHalfOpenState(1)
                .waitIntervalFunctionInOpenState(pauses)
                .automaticTransitionFromOpenToHalfOpenEnabled(false) // no scheduler thread: the next room() looks
                .clock(clock)
                .build();
    }

    public Limits limits() {
        return limits;
    }

    /**
     * How many more attempts to this endpoint the relay may hand over now: none while its circuit is open, one probe
     * once the pause is over, else what its lane and its merchant have free (slots plus a short waiting line).
     */
    public synchronized int room(long merchantId, long endpointKey) {
        Merchant merchant = merchants.get(merchantId);
        Lane lane = merchant == null ? null : merchant.lanes.get(endpointKey);
        if (lane != null && lane.open()) {
            if (nanoClock.getAsLong() < lane.probeAtNanos) {
                return 0;
            }
            return lane.active + lane.waiting.size() == 0 ? 1 : 0;
        }
        int claimed = lane == null ? 0 : lane.active + lane.waiting.size();
        int merchantClaimed = 0;
        if (merchant != null) {
            for (Lane l : merchant.lanes.values()) {
                merchantClaimed += l.active + l.waiting.size();
            }
        }
        int waiting = lane == null ? waitingLine(pace.getOrDefault(endpointKey, 0L)) : waitingLine(lane.typicalNanos);
        int endpointRoom = limits.perEndpoint() + waiting - claimed;
        int merchantRoom = limits.perMerchant() + waiting - merchantClaimed;
        return Math.max(0, Math.min(endpointRoom, merchantRoom));
    }

    /**
     * How many attempts may wait in a lane: as many as it finishes before the relay's next scans, by how long its
     * attempts take (a fast receiver gets up to {@link Limits#waitingPerEndpoint()}, so its wire never runs dry between
     * scans); a slow or hostile one gets {@link Limits#perEndpoint()}, so it never holds more than its share.
     */
    private int waitingLine(long typicalNanos) {
        if (typicalNanos <= 0) {
            return limits.perEndpoint();
        }
        long finishedBeforeRefill = limits.perEndpoint() * REFILL.toNanos() / typicalNanos;
        return (int) Math.max(limits.perEndpoint(), Math.min(limits.waitingPerEndpoint(), finishedBeforeRefill));
    }

    /** How many endpoints' paces are remembered after their lanes went idle. */
    static final int PACE_REMEMBERED = 100_000;

    /** The horizon a lane's waiting line covers: two of the relay's scans, with room to spare. */
    private static final Duration REFILL = Duration.ofMillis(200);

    /**
     * Sends {@code request} to endpoint {@code endpointKey} of {@code merchantId} when a slot is free (at once if one
     * is). The answer never fails; {@link Dispatcher.Outcome#sent()} is false when it was handed back unsent.
     */
    public CompletionStage<Dispatcher.Outcome> submit(long merchantId, long endpointKey, Dispatcher.Request request) {
        CompletableFuture<Dispatcher.Outcome> result = new CompletableFuture<>();
        List<Runnable> starts = new ArrayList<>(1);
        synchronized (this) {
            Merchant merchant = merchants.computeIfAbsent(merchantId, id -> new Merchant());
            Lane lane = merchant.lanes.computeIfAbsent(endpointKey, key -> new Lane(merchantId, key));
            lane.waiting.add(new Attempt(request, request.redelivery(), result));
            startWaiting(merchant, lane, starts);
        }
        starts.forEach(Runnable::run);
        return result;
    }

    /** Starts what may start in {@code first}, then in the merchant's other lanes; the sends run after the lock. */
    private void startWaiting(Merchant merchant, Lane first, List<Runnable> starts) {
        startIn(merchant, first, starts);
        for (Lane lane : merchant.lanes.values()) {
            if (merchant.active >= limits.perMerchant()) {
                return;
            }
            if (lane != first) {
                startIn(merchant, lane, starts);
            }
        }
    }

    private void startIn(Merchant merchant, Lane lane, List<Runnable> starts) {
        while (!lane.waiting.isEmpty() && lane.active < limits.perEndpoint() && merchant.active < limits.perMerchant()) {
            Attempt attempt = lane.waiting.poll();
            if (!attempt.redelivery() && !lane.breaker.tryAcquirePermission()) {
                starts.add(() -> attempt.result().complete(Dispatcher.Outcome.notSent("endpoint paused: its circuit is open")));
                continue;
            }
            lane.active++;
            merchant.active++;
            long token = nextToken++;
            if (!attempt.redelivery() && lane.open()) {
                lane.probe = token;
            }
            long startedAt = System.nanoTime();
            lane.started.put(token, startedAt);
            starts.add(() -> dispatcher.send(attempt.request()).whenComplete((outcome, error) -> {
                Dispatcher.Outcome answered = error == null ? outcome
                        : new Dispatcher.Outcome(null, 0, "dispatch failed: " + error, null);
                attempt.result().complete(finished(merchant, lane, token, startedAt, answered));
            }));
        }
    }

    /** Frees the slot, tells the breaker, starts what waits; the outcome gains a note when it paused the endpoint. */
    private Dispatcher.Outcome finished(Merchant merchant, Lane lane, long token, long startedAt, Dispatcher.Outcome outcome) {
        List<Runnable> starts = new ArrayList<>();
        Dispatcher.Outcome result = outcome;
        synchronized (this) {
            lane.active--;
            merchant.active--;
            lane.started.remove(token);
            long took = Math.max(1, System.nanoTime() - startedAt);
            lane.typicalNanos = lane.typicalNanos == 0 ? took : (lane.typicalNanos * 7 + took) / 8;
            boolean wasOpen = lane.open();
            boolean probe = token == lane.probe;
            if (outcome.delivered()) {
                lane.breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            } else {
                lane.breaker.onError(took, TimeUnit.NANOSECONDS, new AttemptFailed(outcome.reason()));
            }
            if (!lane.open()) {
                lane.opens = 0;
            } else if (lane.breaker.getState() == CircuitBreaker.State.OPEN && (!wasOpen || probe)) {
                // Just opened (or a probe failed): pause, hand back what waits, say so on this attempt.
                lane.opens++;
                long pause = pauses.apply(lane.opens);
                lane.probeAtNanos = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(pause + 10);
                for (Attempt waiting : lane.waiting) {
                    if (!waiting.redelivery()) {
                        starts.add(() -> waiting.result().complete(Dispatcher.Outcome.notSent("endpoint paused: its circuit opened")));
                    }
                }
                lane.waiting.removeIf(waiting -> !waiting.redelivery());
                result = outcome.withNote("endpoint paused for " + Duration.ofMillis(pause).toSeconds() + " s: its attempts keep failing"
                        + " (circuit open; one probe after the pause)");
            }
            startWaiting(merchant, lane, starts);
            if (lane.idle()) {
                pace.put(lane.endpointKey, lane.typicalNanos);
                merchant.lanes.remove(lane.endpointKey);
                if (merchant.lanes.isEmpty()) {
                    merchants.remove(lane.merchantId);
                }
            }
        }
        starts.forEach(Runnable::run);
        return result;
    }

    /** Endpoints whose circuit is open or half-open (paused), in this instance. */
    public synchronized int openCircuits() {
        int open = 0;
        for (Merchant merchant : merchants.values()) {
            for (Lane lane : merchant.lanes.values()) {
                if (lane.open()) {
                    open++;
                }
            }
        }
        return open;
    }

    /** Attempts in flight to {@code endpointKey} now (tests and metrics). */
    public synchronized int inFlight(long merchantId, long endpointKey) {
        Merchant merchant = merchants.get(merchantId);
        Lane lane = merchant == null ? null : merchant.lanes.get(endpointKey);
        return lane == null ? 0 : lane.active;
    }

    /** How long the oldest attempt in flight has run, or zero. Walks the attempts in flight: for a scrape, not a hot path. */
    public synchronized Duration oldestInFlight() {
        long now = System.nanoTime();
        long oldest = now;
        for (Merchant merchant : merchants.values()) {
            for (Lane lane : merchant.lanes.values()) {
                for (long startedAt : lane.started.values()) {
                    oldest = Math.min(oldest, startedAt);
                }
            }
        }
        return Duration.ofNanos(now - oldest);
    }

    @Override
    public void close() {
        dispatcher.close();
    }

    /** A failed attempt as the breaker counts it. */
    private static final class AttemptFailed extends Exception {
        AttemptFailed(String reason) {
            super(reason, null, false, false);
        }
    }
}
