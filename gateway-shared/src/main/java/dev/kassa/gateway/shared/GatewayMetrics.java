package dev.kassa.gateway.shared;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Provider;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.SessionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The gateway's own meters, registered when the class loads (every series at zero from the start): a command's round
 * trip to the aggregate, sessions by status as this gateway's replica holds them, and provider callbacks by provider
 * and outcome. Label values come from fixed sets (command types, outcomes, the catalogue's providers): nothing a
 * client sends becomes a label.
 */
public final class GatewayMetrics {

    /** The commands the gateway sends, as their payload types are named on the commands topic. */
    private static final List<String> COMMANDS = List.of("CreateSession", "StartPaymentAttempt", "ProviderReport", "CancelSession",
            "RefundSession", "ResolveReview");
    private static final List<String> CALLBACK_OUTCOMES = List.of("applied", "duplicate", "rejected", "flagged", "invalid_signature",
            "invalid_callback", "unavailable");

    private static final Map<String, Timer> ROUND_TRIPS = new ConcurrentHashMap<>();
    /** Where the session counts come from: the views this instance owns (set when they start). */
    private static volatile Supplier<Map<SessionStatus, Long>> sessionCounts = Map::of;
    private static final Map<String, Counter> CALLBACKS = new ConcurrentHashMap<>();
    /** Creates answered once appended whose command the aggregate then did not apply: must stay 0 (an alert). */
    private static final Counter CREATES_NOT_APPLIED = Counter.builder("kassa.creates.acknowledged.not.applied")
            .description("Creates answered 200 once appended that the aggregate then refused (a session id taken meanwhile): must stay 0")
            .register(KassaMetrics.registry());

    static {
        for (String command : COMMANDS) {
            for (CommandOutcome outcome : CommandOutcome.values()) {
                roundTripTimer(command, lower(outcome.name()));
            }
            roundTripTimer(command, "timeout");
        }
        roundTripTimer("CreateSession", "appended"); // the fast create: answered once durably appended
        for (SessionStatus status : SessionStatus.values()) {
            Gauge.builder("kassa.sessions", () -> sessionCounts.get().getOrDefault(status, 0L))
                    .description("Sessions by status in the views this gateway instance owns (each owns some partitions: take the sum "
                            + "over instances); terminal sessions older than the views' retention are not counted")
                    .tag("status", lower(status.name())).register(KassaMetrics.registry());
        }
        for (String outcome : CALLBACK_OUTCOMES) {
            for (Provider provider : Catalogue.DEFAULT) {
                callbackCounter(provider.slug(), outcome);
            }
            callbackCounter("other", outcome);
        }
    }

    private GatewayMetrics() {
    }

    /** Loads the meters at start. */
    public static void register() {
    }

    /** A command's round trip, from the send to the aggregate's answer (or the 10 s timeout). */
    public static void roundTrip(String command, String outcome, Duration took) {
        roundTripTimer(command, outcome).record(took);
    }

    /** An acknowledged create the aggregate did not apply. */
    private static final Counter CREATES_UNCHECKED = Counter.builder("kassa.creates.id.unchecked")
            .description("Creates whose fresh random id was not checked against the views (restoring or moving)")
            .register(KassaMetrics.registry());

    public static void createUnchecked() {
        CREATES_UNCHECKED.increment();
    }

    public static void createNotApplied() {
        CREATES_NOT_APPLIED.increment();
    }

    /** Reads the session counts per status from here on (the views' counts, asked at each scrape). */
    public static void countSessionsWith(Supplier<Map<SessionStatus, Long>> counts) {
        sessionCounts = counts;
    }

    /** A provider callback and what became of it; a provider outside the catalogue is counted as {@code other}. */
    public static void callback(String provider, String outcome) {
        boolean known = Catalogue.DEFAULT.stream().anyMatch(p -> p.slug().equals(provider));
        callbackCounter(known ? provider : "other", CALLBACK_OUTCOMES.contains(outcome) ? outcome : "invalid_callback").increment();
    }

    private static Timer roundTripTimer(String command, String outcome) {
        return ROUND_TRIPS.computeIfAbsent(command + "/" + outcome, k -> KassaMetrics.latency("kassa.command.round.trip",
                        "A command from the gateway's send to the aggregate's answer, by command and outcome")
                .tag("command", command).tag("outcome", outcome).register(KassaMetrics.registry()));
    }

    private static Counter callbackCounter(String provider, String outcome) {
        return CALLBACKS.computeIfAbsent(provider + "/" + outcome, k -> Counter.builder("kassa.provider.callbacks")
                .description("Provider callbacks, by provider and what became of them").tag("provider", provider).tag("outcome", outcome)
                .register(KassaMetrics.registry()));
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
