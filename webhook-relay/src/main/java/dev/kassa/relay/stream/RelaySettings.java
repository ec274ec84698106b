package dev.kassa.relay.stream;

import dev.kassa.relay.delivery.RetrySchedule;
import dev.kassa.schemas.SecretKeyring;
import java.time.Clock;
import java.time.Duration;

/**
 * What shapes the relay: how often it looks for due webhooks, how many may be in flight per instance, the retry
 * schedule, the clock that stamps attempts (the system clock; tests pass the driver's), and the keyring that opens
 * the webhook secrets the gateway sealed on {@code kassa.merchants} ({@link SecretKeyring#NONE}: secrets in clear).
 */
public record RelaySettings(Duration scanInterval, int maxInFlight, RetrySchedule schedule, Clock clock, SecretKeyring keyring) {

    public static final RelaySettings DEFAULTS = new RelaySettings(Duration.ofMillis(50), 1024, RetrySchedule.DEFAULT, Clock.systemUTC(),
            SecretKeyring.NONE);

    public RelaySettings(Duration scanInterval, int maxInFlight, RetrySchedule schedule, Clock clock) {
        this(scanInterval, maxInFlight, schedule, clock, SecretKeyring.NONE);
    }

    public RelaySettings withSchedule(RetrySchedule other) {
        return new RelaySettings(scanInterval, maxInFlight, other, clock, keyring);
    }

    public RelaySettings withKeyring(SecretKeyring other) {
        return new RelaySettings(scanInterval, maxInFlight, schedule, clock, other);
    }
}
