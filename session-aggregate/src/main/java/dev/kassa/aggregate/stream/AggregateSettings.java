package dev.kassa.aggregate.stream;

import java.time.Duration;

/**
 * What shapes the topology: how often the expiry index is scanned and how many expiries one pass may emit
 * (the rest are picked up by the next pass, so a backlog never stalls the stream thread).
 */
public record AggregateSettings(Duration expiryScanInterval, int maxExpiriesPerPass) {

    /** Scan every 250 ms, at most 5,000 expiries per pass. */
    public static final AggregateSettings DEFAULTS = new AggregateSettings(Duration.ofMillis(250), 5_000);

    public AggregateSettings {
        if (expiryScanInterval.isNegative() || expiryScanInterval.isZero()) {
            throw new IllegalArgumentException("the expiry scan interval must be positive");
        }
        if (maxExpiriesPerPass < 1) {
            throw new IllegalArgumentException("at least one expiry per pass");
        }
    }
}
