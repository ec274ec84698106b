package dev.kassa.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When to try a failed webhook again: one delay per retry, as data, with ±20 % jitter drawn from the event id and
 * attempt number (so a replayed decision draws the same jitter), and a receiver's {@code Retry-After} honoured up
 * to the longest delay. After the last delay the webhook is parked.
 */
public record RetrySchedule(List<Duration> delays) {

    /**
     * 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 16 h, 24 h: 12 retries over about 2.9 days
     * (Stripe retries for 3 days, Svix for about 28 hours).
     */
    public static final RetrySchedule DEFAULT = new RetrySchedule(List.of(
            Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
            Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
            Duration.ofHours(8), Duration.ofHours(12), Duration.ofHours(16), Duration.ofHours(24)));

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.isEmpty() || delays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("a retry schedule needs at least one positive delay");
        }
    }

    /**
     * A schedule written as data: delays separated by commas, each a number and a unit ({@code ms}, {@code s},
     * {@code m}, {@code h}, {@code d}), e.g. {@code 5s,30s,2m,10m,30m,1h}.
     *
     * @throws IllegalArgumentException with a message that says which delay is wrong and how to write it
     */
    public static RetrySchedule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a retry schedule needs at least one delay, e.g. 5s,30s,2m");
        }
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.trim().toLowerCase(Locale.ROOT);
            Matcher m = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)").matcher(item);
            if (!m.matches()) {
                throw new IllegalArgumentException("retry delay '" + part.trim()
                        + "' is not a number followed by ms, s, m, h or d (e.g. 30s)");
            }
            long n = Long.parseLong(m.group(1));
            delays.add(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
        }
        return new RetrySchedule(delays);
    }

    /** Attempts in all: the first plus one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /** The whole span from the first attempt to the last, without jitter. */
    public Duration span() {
        return delays.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based), or empty when that was the last: the webhook is parked.
     */
    public Optional<Duration> delayAfter(int attempt, String eventId, Duration retryAfter) {
        if (attempt < 1 || attempt > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(attempt - 1);
        double factor = 0.8 + 0.4 * new SplittableRandom(eventId.hashCode() * 31L + attempt).nextDouble();
        Duration jittered = Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
        if (retryAfter != null && retryAfter.compareTo(jittered) > 0) {
            Duration longest = delays.get(delays.size() - 1);
            return Optional.of(retryAfter.compareTo(longest) > 0 ? longest : retryAfter);
        }
        return Optional.of(jittered);
    }
}
