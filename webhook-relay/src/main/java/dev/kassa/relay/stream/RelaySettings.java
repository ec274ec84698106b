package dev.kassa.relay.stream;

import dev.kassa.relay.delivery.DeliveryDecider;
import dev.kassa.relay.delivery.DeliveryLanes;
import dev.kassa.model.RetrySchedule;
import dev.kassa.schemas.SecretKeyring;
import java.time.Clock;
import java.time.Duration;

/**
 * What shapes the relay: how often it looks for due webhooks, how many may be in flight per instance, the retry
 * schedule (a merchant's own {@code webhook_retry_schedule} replaces it for that merchant), the clock that stamps
 * attempts (the system clock; tests pass the driver's), the keyring that opens the webhook secrets the gateway sealed
 * on {@code kassa.merchants} ({@link SecretKeyring#NONE}: secrets in clear), how long an endpoint may go without a
 * successful delivery before the relay disables it (SPEC.md: 5 days), how often a webhook held for a disabled
 * endpoint looks again, and the fair shares of the wire ({@link DeliveryLanes.Limits}: per endpoint, per merchant,
 * and when an endpoint that keeps failing is paused).
 */
public record RelaySettings(Duration scanInterval, int maxInFlight, RetrySchedule schedule, Clock clock, SecretKeyring keyring,
                            Duration disableAfter, Duration hold, DeliveryLanes.Limits lanes) {

    public static final Duration DEFAULT_DISABLE_AFTER = Duration.ofDays(5);

    public static final RelaySettings DEFAULTS = new RelaySettings(Duration.ofMillis(50), 4096, RetrySchedule.DEFAULT, Clock.systemUTC(),
            SecretKeyring.NONE, DEFAULT_DISABLE_AFTER, DeliveryDecider.DEFAULT_HOLD, DeliveryLanes.Limits.DEFAULTS);

    public RelaySettings(Duration scanInterval, int maxInFlight, RetrySchedule schedule, Clock clock) {
        this(scanInterval, maxInFlight, schedule, clock, SecretKeyring.NONE, DEFAULT_DISABLE_AFTER, DeliveryDecider.DEFAULT_HOLD,
                DeliveryLanes.Limits.DEFAULTS);
    }

    public RelaySettings withSchedule(RetrySchedule other) {
        return new RelaySettings(scanInterval, maxInFlight, other, clock, keyring, disableAfter, hold, lanes);
    }

    public RelaySettings withKeyring(SecretKeyring other) {
        return new RelaySettings(scanInterval, maxInFlight, schedule, clock, other, disableAfter, hold, lanes);
    }

    /** Disable an endpoint after {@code after} without a success; a disabled endpoint's webhooks look again every {@code hold}. */
    public RelaySettings withEndpointHealth(Duration after, Duration everyHold) {
        return new RelaySettings(scanInterval, maxInFlight, schedule, clock, keyring, after, everyHold, lanes);
    }

    /** The per-endpoint and per-merchant shares and the circuit breaker's settings. */
    public RelaySettings withLanes(DeliveryLanes.Limits other) {
        return new RelaySettings(scanInterval, maxInFlight, schedule, clock, keyring, disableAfter, hold, other);
    }
}
