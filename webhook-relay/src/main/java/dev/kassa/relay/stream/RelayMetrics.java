package dev.kassa.relay.stream;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.avro.AttemptOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The relay's meters: attempts by outcome ({@code kassa_webhook_attempts_total}) and delivery lag, from the moment
 * the relay took the event to the attempt that delivered it ({@code kassa_webhook_delivery_lag_seconds}).
 */
final class RelayMetrics {

    private static final Map<AttemptOutcome, Counter> ATTEMPTS = new EnumMap<>(AttemptOutcome.class);
    private static final Timer DELIVERY_LAG = Timer.builder("kassa.webhook.delivery.lag")
            .description("From the relay taking an event to the merchant's 2xx, retries included")
            .publishPercentiles(0.5, 0.99).register(KassaMetrics.registry());

    static {
        for (AttemptOutcome outcome : AttemptOutcome.values()) {
            ATTEMPTS.put(outcome, Counter.builder("kassa.webhook.attempts").description("Webhook attempts, by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(KassaMetrics.registry()));
        }
    }

    private RelayMetrics() {
    }

    static void attempt(AttemptOutcome outcome, Duration deliveryLag) {
        ATTEMPTS.get(outcome).increment();
        if (deliveryLag != null) {
            DELIVERY_LAG.record(deliveryLag.isNegative() ? Duration.ZERO : deliveryLag);
        }
    }
}
