package dev.kassa.relay.stream;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.avro.AttemptOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import dev.kassa.relay.delivery.DeliveryLanes;
import dev.kassa.relay.delivery.Dispatcher;
import java.util.EnumMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Instant;
import io.micrometer.core.instrument.Gauge;

/**
 * The relay's meters: attempts by outcome ({@code kassa_webhook_attempts_total}) and delivery lag, from the moment
 * the relay took the event to the attempt that delivered it ({@code kassa_webhook_delivery_lag_seconds}), each attempt's
 * duration by result ({@code kassa_webhook_attempt_duration_seconds}), the oldest attempt in flight and the endpoints
 * paused by their circuit breaker.
 */
public final class RelayMetrics {

    private static final Map<AttemptOutcome, Counter> ATTEMPTS = new EnumMap<>(AttemptOutcome.class);
    private static final Timer DELIVERY_LAG = KassaMetrics.latency("kassa.webhook.delivery.lag",
            "From the relay taking an event to the merchant's 2xx, retries included").register(KassaMetrics.registry());

    /** What each task's queue holds, as its processor last counted it (every 5 s). */
    record Backlog(long due, long dueToDisabled, long inFlight, Instant oldestUndelivered) {
    }

    private static final Map<String, Backlog> BACKLOG = new ConcurrentHashMap<>();
    /** Attempt durations by result: one timer per result code, a small fixed set. */
    private static final Map<String, Timer> DURATIONS = new ConcurrentHashMap<>();
    private static final List<DeliveryLanes> LANES = new CopyOnWriteArrayList<>();

    static {
        Gauge.builder("kassa.webhook.oldest.in.flight.age", LANES,
                        lanes -> lanes.stream().mapToDouble(l -> l.oldestInFlight().toMillis() / 1000.0).max().orElse(0))
                .baseUnit("seconds").description("How long the oldest webhook attempt still in flight has run (its deadline bounds it)")
                .register(KassaMetrics.registry());
        Gauge.builder("kassa.webhook.circuits.open", LANES, lanes -> lanes.stream().mapToInt(DeliveryLanes::openCircuits).sum())
                .description("Webhook endpoints paused because their attempts keep failing (circuit open or half-open)")
                .register(KassaMetrics.registry());
    }

    static {
        for (AttemptOutcome outcome : AttemptOutcome.values()) {
            ATTEMPTS.put(outcome, Counter.builder("kassa.webhook.attempts").description("Webhook attempts, by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(KassaMetrics.registry()));
        }
    }

    static {
        String help = "Webhooks queued at the head of their session: due (their next attempt's time has come) or in flight, "
                + "by the state of the merchant's endpoint";
        Gauge.builder("kassa.webhook.backlog", BACKLOG, b -> b.values().stream().mapToLong(Backlog::due).sum())
                .description(help).tags("state", "due", "endpoint", "enabled").register(KassaMetrics.registry());
        Gauge.builder("kassa.webhook.backlog", BACKLOG, b -> b.values().stream().mapToLong(Backlog::dueToDisabled).sum())
                .description(help).tags("state", "due", "endpoint", "disabled").register(KassaMetrics.registry());
        Gauge.builder("kassa.webhook.backlog", BACKLOG, b -> b.values().stream().mapToLong(Backlog::inFlight).sum())
                .description(help).tags("state", "in_flight", "endpoint", "enabled").register(KassaMetrics.registry());
        Gauge.builder("kassa.webhook.oldest.undelivered.age", BACKLOG, RelayMetrics::oldestAge).baseUnit("seconds")
                .description("How long the oldest webhook still queued (due or waiting for a retry) has waited since its event")
                .register(KassaMetrics.registry());
    }

    private RelayMetrics() {
    }

    /** Loads the meters, so that they exist (at zero) before the first webhook. */
    public static void register() {
    }

    static void backlog(String task, Backlog backlog) {
        BACKLOG.put(task, backlog);
    }

    static void forget(String task) {
        BACKLOG.remove(task);
    }

    private static double oldestAge(Map<String, Backlog> backlog) {
        long now = System.currentTimeMillis();
        return backlog.values().stream().map(Backlog::oldestUndelivered).filter(Objects::nonNull)
                .mapToDouble(t -> Math.max(0, now - t.toEpochMilli()) / 1000.0).max().orElse(0);
    }

    /**
     * One attempt made: its outcome, the delivery lag when it delivered, and how long the attempt itself took by its
     * result ({@code delivered} or its failure reason: {@code timeout}, {@code http_status}, …).
     */
    static void attempt(AttemptOutcome outcome, Duration deliveryLag, Dispatcher.Outcome answered) {
        ATTEMPTS.get(outcome).increment();
        if (deliveryLag != null) {
            DELIVERY_LAG.record(deliveryLag.isNegative() ? Duration.ZERO : deliveryLag);
        }
        if (answered != null) {
            String result = answered.reason() == null ? "delivered" : answered.reason();
            DURATIONS.computeIfAbsent(result, r -> KassaMetrics.latency("kassa.webhook.attempt.duration",
                    "One attempt, from its start (DNS, connect, TLS) to the end of the answer or its deadline, by result")
                    .tag("result", r).register(KassaMetrics.registry())).record(Duration.ofMillis(answered.latencyMs()));
        }
    }

    /** Counts this instance's lanes in the gauges (open circuits, oldest attempt in flight); forgotten when closed. */
    public static void watch(DeliveryLanes lanes) {
        LANES.add(lanes);
    }

    public static void forget(DeliveryLanes lanes) {
        LANES.remove(lanes);
    }
}
