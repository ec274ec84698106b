package dev.kassa.aggregate.stream;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.avro.SessionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The aggregate's meters: transitions per status ({@code kassa_transitions_total}) and expiry lag. */
final class AggregateMetrics {

    private static final Map<SessionStatus, Counter> TRANSITIONS = new EnumMap<>(SessionStatus.class);
    private static final Timer EXPIRY_LAG = Timer.builder("kassa.expiry.lag")
            .description("How late an expiry was decided after the session's expires_at")
            .publishPercentiles(0.5, 0.99).register(KassaMetrics.registry());

    static {
        for (SessionStatus status : SessionStatus.values()) {
            TRANSITIONS.put(status, Counter.builder("kassa.transitions").description("Session transitions, by the status entered")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(KassaMetrics.registry()));
        }
    }

    private AggregateMetrics() {
    }

    static void transition(SessionStatus status) {
        TRANSITIONS.get(status).increment();
    }

    static void expiryLag(Duration lag) {
        EXPIRY_LAG.record(lag.isNegative() ? Duration.ZERO : lag);
    }
}
