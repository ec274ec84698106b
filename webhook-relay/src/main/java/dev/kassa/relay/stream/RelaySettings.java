package dev.kassa.relay.stream;

import dev.kassa.relay.delivery.RetrySchedule;
import java.time.Clock;
import java.time.Duration;

/**
 * What shapes the relay: how often it looks for due webhooks, how many may be in flight per instance, the retry
 * schedule, and the clock that stamps attempts (the system clock; tests pass the driver's).
 */
public record RelaySettings(Duration scanInterval, int maxInFlight, RetrySchedule schedule, Clock clock) {

    public static final RelaySettings DEFAULTS = new RelaySettings(Duration.ofMillis(50), 1024, RetrySchedule.DEFAULT, Clock.systemUTC());

    public RelaySettings withSchedule(RetrySchedule other) {
        return new RelaySettings(scanInterval, maxInFlight, other, clock);
    }
}
