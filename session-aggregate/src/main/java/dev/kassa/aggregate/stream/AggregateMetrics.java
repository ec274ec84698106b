package dev.kassa.aggregate.stream;

import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.model.ErrorCode;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.avro.SessionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** The aggregate's meters: transitions per status ({@code kassa_transitions_total}) and expiry lag. */
public final class AggregateMetrics {

    private static final Map<SessionStatus, Counter> TRANSITIONS = new EnumMap<>(SessionStatus.class);
    private static final Map<String, Counter> REJECTED = new ConcurrentHashMap<>();
    private static final Timer EXPIRY_LAG = KassaMetrics.latency("kassa.expiry.lag",
            "How late an expiry was decided after the session's expires_at").register(KassaMetrics.registry());

    static {
        for (SessionStatus status : SessionStatus.values()) {
            TRANSITIONS.put(status, Counter.builder("kassa.transitions").description("Session transitions, by the status entered")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(KassaMetrics.registry()));
        }
        // Every code the decider and the processor answer, at zero from the start.
        for (ErrorCode code : SessionTransitions.CODES) {
            rejected(code, 0);
        }
        rejected(SessionCommandProcessor.UNDECODABLE, 0);
        rejected(SessionCommandProcessor.KEY_MISMATCH, 0);
    }

    /** Loads the meters, so that they exist (at zero) before the first command. */
    public static void register() {
        ProviderHealthMeters.register();
    }

    /** A command the aggregate refused or flagged, by its code. */
    static void rejected(ErrorCode code) {
        rejected(code, 1);
    }

    private static void rejected(ErrorCode code, int count) {
        REJECTED.computeIfAbsent(code.code(), c -> Counter.builder("kassa.commands.rejected")
                .description("Commands the aggregate refused or flagged, by code").tag("code", c).register(KassaMetrics.registry()))
                .increment(count);
    }

    private AggregateMetrics() {
    }

    static void transition(SessionStatus status) {
        TRANSITIONS.get(status).increment();
    }

    static void expiryLag(Duration lag) {
        EXPIRY_LAG.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    /** Past this many due expiries the gauges stop counting (and show the cap): a scrape never costs more. */
    static final int DUE_COUNT_CAP = 100_000;

    /**
     * {@code kassa_expiries_due} (sessions past {@code expires_at} not yet expired) and {@code kassa_expiries_late} (of
     * those, more than 5 s past), counted in this instance's expiry index through Kafka Streams' interactive queries
     * when scraped; NaN while the stores are not queryable (starting, restoring).
     */
    public static AutoCloseable bindExpiries(KafkaStreams streams, Clock clock) {
        Gauge due = Gauge.builder("kassa.expiries.due", streams, s -> countDue(s, clock.instant()))
                .description("Sessions past their expires_at and not yet expired, in this instance's partitions (capped at 100,000)")
                .register(KassaMetrics.registry());
        Gauge late = Gauge.builder("kassa.expiries.late", streams, s -> countDue(s, clock.instant().minusSeconds(5)))
                .description("Sessions more than 5 s past their expires_at and not yet expired, in this instance's partitions")
                .register(KassaMetrics.registry());
        return () -> {
            KassaMetrics.registry().remove(due);
            KassaMetrics.registry().remove(late);
        };
    }

    private static double countDue(KafkaStreams streams, Instant until) {
        try {
            ReadOnlyKeyValueStore<Bytes, Long> index = streams.store(StoreQueryParameters.fromNameAndType(ExpiryIndex.STORE,
                    QueryableStoreTypes.<Bytes, Long>keyValueStore()));
            int count = 0;
            try (KeyValueIterator<Bytes, Long> it = index.range(ExpiryIndex.first(), ExpiryIndex.lastDueAt(until))) {
                while (it.hasNext() && count < DUE_COUNT_CAP) {
                    it.next();
                    count++;
                }
            }
            return count;
        } catch (InvalidStateStoreException e) {
            return Double.NaN; // starting or restoring: not known yet
        }
    }
}
