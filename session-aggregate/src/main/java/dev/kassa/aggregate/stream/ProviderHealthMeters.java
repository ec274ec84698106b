package dev.kassa.aggregate.stream;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.router.Catalogue;
import dev.kassa.router.ProviderHealth;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.SessionEvent;
import io.micrometer.core.instrument.Gauge;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Each provider's health as the aggregate sees its attempts end, over the last 15 minutes, for operators and routing
 * decisions: {@code kassa_provider_attempts{provider,outcome}}, {@code kassa_provider_success_ratio{provider}} (NaN
 * when none ended) and {@code kassa_provider_latency_seconds{provider,percentile}} (start of the attempt to its outcome;
 * the 50th and 95th percentile; a gauge, so the label is not Prometheus's reserved {@code quantile}). One row per
 * catalogue provider and {@code other}, so the series never grow; per
 * aggregate instance (its partitions), so attempts add up across instances and ratios are per instance.
 */
public final class ProviderHealthMeters {

    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final ProviderHealth HEALTH = new ProviderHealth(WINDOW);
    private static final Clock CLOCK = Clock.systemUTC();

    /** The figures as of the last second: one scrape reads ~40 gauges, which share one fold. */
    private static volatile Instant computedAt = Instant.EPOCH;
    private static volatile List<ProviderHealth.Figure> figures = List.of();

    static {
        List<String> rows = new ArrayList<>(Catalogue.slugs());
        rows.add("other");
        for (String provider : rows) {
            gauge("kassa.provider.attempts", provider, "outcome", "succeeded", "Attempts that ended in the last 15 minutes, by provider and outcome",
                    f -> f.succeeded(), 0);
            gauge("kassa.provider.attempts", provider, "outcome", "failed", "Attempts that ended in the last 15 minutes, by provider and outcome",
                    f -> f.failed(), 0);
            gauge("kassa.provider.success.ratio", provider, null, null, "Succeeded of ended attempts in the last 15 minutes (NaN: none ended)",
                    f -> f.successRate() == null ? Double.NaN : f.successRate(), Double.NaN);
            gauge("kassa.provider.latency.seconds", provider, "percentile", "50", "From an attempt's start to its outcome, last 15 minutes",
                    f -> f.latencyP50Millis() == null ? Double.NaN : f.latencyP50Millis() / 1000.0, Double.NaN);
            gauge("kassa.provider.latency.seconds", provider, "percentile", "95", "From an attempt's start to its outcome, last 15 minutes",
                    f -> f.latencyP95Millis() == null ? Double.NaN : f.latencyP95Millis() / 1000.0, Double.NaN);
        }
    }

    private ProviderHealthMeters() {
    }

    private static void gauge(String name, String provider, String tag, String value, String description,
                              ToDoubleFunction<ProviderHealth.Figure> read, double none) {
        Gauge.Builder<String> builder = Gauge.builder(name, provider, p -> figure(p).map(read::applyAsDouble).orElse(none))
                .description(description).tag("provider", provider);
        if (tag != null) {
            builder.tag(tag, value);
        }
        builder.register(KassaMetrics.registry());
    }

    private static Optional<ProviderHealth.Figure> figure(String provider) {
        Instant now = CLOCK.instant();
        if (now.isAfter(computedAt.plusSeconds(1))) {
            figures = HEALTH.figures(now);
            computedAt = now;
        }
        return figures.stream().filter(f -> f.provider().equals(provider)).findFirst();
    }

    /** Loads the meters, so that they exist before the first attempt. */
    static void register() {
    }

    /** An event the aggregate appended. */
    static void record(SessionEvent event) {
        feed(HEALTH, event);
    }

    /** An event, in its session's order: an attempt's start or end feeds the fold; others pass ({@code kassa routing show} too). */
    public static void feed(ProviderHealth health, SessionEvent event) {
        Object payload = event.getPayload();
        Instant at = event.getOccurredAt();
        if (payload instanceof PaymentPending pending) {
            health.started(pending.getAttemptId(), known(pending.getProvider()), at);
        } else if (payload instanceof PaymentSucceeded paid && paid.getAttemptId() != null) {
            health.ended(paid.getAttemptId(), known(paid.getProvider()), true, at);
        } else if (payload instanceof PaymentFailed failed && failed.getAttemptId() != null) {
            health.ended(failed.getAttemptId(), known(failed.getProvider()), false, at);
        }
    }

    /** A provider named by a report, as a row: a catalogue slug, else {@code other} (a report's text never makes a series). */
    private static String known(String provider) {
        if (provider == null) {
            return null;
        }
        return Catalogue.known(provider) ? provider : "other";
    }
}
