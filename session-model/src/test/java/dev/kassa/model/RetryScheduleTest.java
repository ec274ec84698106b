package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule = RetrySchedule.DEFAULT;

    @Test
    void the_default_spans_about_three_days_in_thirteen_attempts() {
        assertThat(schedule.maxAttempts()).isEqualTo(13);
        assertThat(schedule.span()).isBetween(Duration.ofHours(60), Duration.ofHours(80));
    }

    @Test
    void a_schedule_is_read_from_text_and_bad_text_says_what_to_write() {
        assertThat(RetrySchedule.parse("250ms, 5s,2m,1h,3d").delays()).containsExactly(Duration.ofMillis(250),
                Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofHours(1), Duration.ofDays(3));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetrySchedule.parse("5s,soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'soon'").hasMessageContaining("e.g. 30s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetrySchedule.parse("0s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetrySchedule.parse(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }

    @Test
    void each_delay_is_jittered_within_twenty_percent_and_the_same_for_the_same_event_and_attempt() {
        for (int attempt = 1; attempt <= 12; attempt++) {
            Duration base = schedule.delays().get(attempt - 1);
            Duration delay = schedule.delayAfter(attempt, "evt_1_2", null).orElseThrow();
            assertThat(delay.toMillis()).isBetween(Math.round(base.toMillis() * 0.8) - 1, Math.round(base.toMillis() * 1.2) + 1);
            assertThat(schedule.delayAfter(attempt, "evt_1_2", null)).contains(delay);
        }
        assertThat(schedule.delayAfter(3, "evt_1_2", null)).isNotEqualTo(schedule.delayAfter(3, "evt_9_9", null));
    }

    @Test
    void retry_after_is_honoured_when_longer_and_capped_at_the_longest_delay() {
        assertThat(schedule.delayAfter(1, "e", Duration.ofMinutes(3))).contains(Duration.ofMinutes(3));
        assertThat(schedule.delayAfter(1, "e", Duration.ofDays(9))).contains(Duration.ofHours(24));
        assertThat(schedule.delayAfter(5, "e", Duration.ofSeconds(1)).orElseThrow()).isGreaterThan(Duration.ofMinutes(20));
    }

    @Test
    void after_the_last_attempt_there_is_no_delay_the_webhook_is_parked() {
        assertThat(schedule.delayAfter(12, "e", null)).isPresent();
        assertThat(schedule.delayAfter(13, "e", null)).isEmpty();
    }
}
