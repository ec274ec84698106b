package dev.kassa.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Health of the parts of this process: each service registers a check (a Streams service reports its state, the
 * gateway its Kafka connection and replicas), and {@code /health} answers 200 only when every check is up, else 503
 * with the parts that are not.
 */
public final class Health {

    /** One part's health: up or not, and a word on why (a Streams state, an error). */
    public record Check(String name, boolean up, String detail) {
    }

    private static final List<Supplier<Check>> CHECKS = new CopyOnWriteArrayList<>();

    private Health() {
    }

    /** Adds a check for as long as the returned handle is not closed. */
    public static AutoCloseable register(Supplier<Check> check) {
        CHECKS.add(check);
        return () -> CHECKS.remove(check);
    }

    /** Every registered check, evaluated now; a check that throws counts as down. */
    public static List<Check> evaluate() {
        return CHECKS.stream().map(supplier -> {
            try {
                return supplier.get();
            } catch (RuntimeException e) {
                return new Check("unknown", false, e.getClass().getSimpleName());
            }
        }).toList();
    }

    /** The JSON body of {@code /health}: {@code ok} and each part. */
    public static Map<String, Object> body(List<Check> checks) {
        Map<String, Object> parts = new LinkedHashMap<>();
        checks.forEach(c -> parts.put(c.name(), Map.of("up", c.up(), "detail", c.detail())));
        return Map.of("ok", checks.stream().allMatch(Check::up), "checks", parts);
    }

    /** A Streams service is healthy while RUNNING; CREATED, REBALANCING (restoring) and the rest answer 503. */
    public static Check streams(String name, KafkaStreams.State state) {
        return new Check(name, state == KafkaStreams.State.RUNNING, "streams " + state.name().toLowerCase());
    }
}
