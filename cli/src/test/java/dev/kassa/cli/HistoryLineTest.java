package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.log.SessionHistory;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryLineTest {

    private static final SessionHistory.Entry PAID = new SessionHistory.Entry(Instant.parse("2026-11-23T01:00:00Z"), "event",
            "pending -> paid", "PaymentSucceeded by provider:wert", "paid", 3L);
    private static final SessionHistory.Entry FAILED = new SessionHistory.Entry(Instant.parse("2026-11-23T01:00:01Z"), "event",
            "pending -> failed", "PaymentFailed", "failed", 3L);

    @Test
    void plain_lines_have_no_escape_codes() {
        assertThat(HistoryCommand.line(PAID, false)).doesNotContain("\u001b")
                .isEqualTo("  2026-11-23T01:00:00Z      event    paid       pending -> paid                               PaymentSucceeded by provider:wert");
    }

    @Test
    void on_a_terminal_statuses_are_coloured_and_the_columns_stay_aligned() {
        String paid = HistoryCommand.line(PAID, true);
        String failed = HistoryCommand.line(FAILED, true);
        assertThat(paid).contains("\u001b[32mpaid     \u001b[0m");
        assertThat(failed).contains("\u001b[31mfailed   \u001b[0m");
        assertThat(strip(paid)).isEqualTo(HistoryCommand.line(PAID, false));
        assertThat(strip(paid).indexOf("pending ->")).isEqualTo(strip(failed).indexOf("pending ->"));
    }

    private static String strip(String s) {
        return s.replaceAll("\u001b\\[[0-9;]*m", "");
    }
}
