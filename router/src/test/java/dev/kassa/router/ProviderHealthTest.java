package dev.kassa.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProviderHealthTest {

    private static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");

    @Test
    void counts_outcomes_in_the_window_with_the_latency_from_start_to_outcome() {
        ProviderHealth health = new ProviderHealth(Duration.ofMinutes(15));
        // wert: three succeed after 1, 2 and 10 s, one fails after 4 s; moonpay: one fails with no start seen.
        health.started("a1", "wert", T0);
        health.started("a2", "wert", T0);
        health.started("a3", "wert", T0);
        health.started("a4", "wert", T0);
        health.ended("a1", "wert", true, T0.plusSeconds(1));
        health.ended("a2", "wert", true, T0.plusSeconds(2));
        health.ended("a4", null, false, T0.plusSeconds(4));
        health.ended("a3", "wert", true, T0.plusSeconds(10));
        health.ended("m1", "moonpay", false, T0.plusSeconds(5));

        assertThat(health.figures(T0.plusSeconds(60))).containsExactly(
                new ProviderHealth.Figure("moonpay", 0, 1, null, null),
                new ProviderHealth.Figure("wert", 3, 1, 2000L, 10_000L));
        assertThat(health.figures(T0.plusSeconds(60)).get(1).successRate()).isEqualTo(0.75);
    }

    @Test
    void outcomes_older_than_the_window_no_longer_count() {
        ProviderHealth health = new ProviderHealth(Duration.ofMinutes(5));
        health.ended("a1", "paypal", false, T0);
        health.ended("a2", "paypal", true, T0.plus(Duration.ofMinutes(4)));

        assertThat(health.figures(T0.plus(Duration.ofMinutes(6)))).singleElement()
                .satisfies(f -> assertThat(f.attempts()).isEqualTo(1))
                .satisfies(f -> assertThat(f.successRate()).isEqualTo(1.0));
        assertThat(health.figures(T0.plus(Duration.ofMinutes(20)))).isEmpty();
    }

    @Test
    void a_flood_of_attempts_that_never_end_and_of_made_up_providers_stays_bounded() {
        ProviderHealth health = new ProviderHealth(Duration.ofMinutes(15));
        for (int i = 0; i < ProviderHealth.OPEN_LIMIT + 10; i++) {
            health.started("open-" + i, "wert", T0);
        }
        // The first attempts were forgotten: their outcome counts without a latency; the last one still has its start.
        health.ended("open-0", "wert", true, T0.plusSeconds(3));
        health.ended("open-" + (ProviderHealth.OPEN_LIMIT + 9), "wert", true, T0.plusSeconds(7));
        for (int i = 0; i < 100; i++) {
            health.ended("x" + i, "made-up-" + i, false, T0.plusSeconds(8));
        }
        var figures = health.figures(T0.plusSeconds(9));
        assertThat(figures).hasSize(ProviderHealth.PROVIDER_LIMIT);
        assertThat(figures).filteredOn(f -> f.provider().equals("wert")).singleElement()
                .satisfies(f -> assertThat(f.latencyP95Millis()).isEqualTo(7000L))
                .satisfies(f -> assertThat(f.attempts()).isEqualTo(2));
        assertThat(figures).filteredOn(f -> f.provider().equals(ProviderHealth.OTHER)).singleElement()
                .satisfies(f -> assertThat(f.failed()).isEqualTo(100 - (ProviderHealth.PROVIDER_LIMIT - 2)));
        for (int i = 0; i < ProviderHealth.SAMPLE_LIMIT + 5; i++) {
            health.ended("s" + i, "wert", true, T0.plusSeconds(8));
        }
        assertThat(health.figures(T0.plusSeconds(9))).filteredOn(f -> f.provider().equals("wert")).singleElement()
                .satisfies(f -> assertThat(f.attempts()).isEqualTo(ProviderHealth.SAMPLE_LIMIT));
    }

    @Test
    void nearest_rank_percentiles() {
        assertThat(ProviderHealth.percentile(new long[] {}, 50)).isNull();
        assertThat(ProviderHealth.percentile(new long[] {7}, 95)).isEqualTo(7L);
        assertThat(ProviderHealth.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2L);
        assertThat(ProviderHealth.percentile(new long[] {1, 2, 3, 4}, 95)).isEqualTo(4L);
    }
}
