package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.RoutingSettingsStore;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.router.OperatorRules;
import dev.kassa.router.RoutingSetting;
import dev.kassa.schemas.avro.RoutingSettings;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The operator changes routing rules and provider health live: validated here (each mistake its own code), written to
 * {@code kassa.routing-settings}, in effect on this gateway when the answer comes and on every other within a poll.
 */
@Singleton
public final class RoutingChanges {

    /** What an operator asks for: the whole new setting (not a patch), and optionally the version it was based on. */
    public record RoutingChange(String rules, List<String> unhealthy, String note, Long expectedVersion) {
    }

    /** Bounds on what one change may carry: far beyond any catalogue, far below any cost. */
    public static final int MAX_RULES = 2_000;
    public static final int MAX_UNHEALTHY = 64;

    private final RoutingSettingsStore store;
    private final Routing routing;
    private final SessionCommands clock;

    RoutingChanges(RoutingSettingsStore store, Routing routing, SessionCommands clock) {
        this.store = store;
        this.routing = routing;
        this.clock = clock;
    }

    /** The setting in effect on this gateway now. */
    public RoutingSetting current() {
        return routing.setting();
    }

    /**
     * Replaces the rules and provider health. With {@code expectedVersion}, refused while this gateway's setting has
     * another version (the operator decided on something that has since changed).
     */
    public RoutingSetting change(RoutingChange change, String actor) throws Exception {
        String rules = change.rules() == null ? "" : change.rules();
        if (rules.length() > MAX_RULES) {
            throw new ApiError(ErrorCode.INVALID_ROUTING_RULES, "'rules' is at most " + MAX_RULES + " characters");
        }
        try {
            OperatorRules.parse(rules);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_ROUTING_RULES, "'rules': " + e.getMessage());
        }
        List<String> unhealthy = change.unhealthy() == null ? List.of() : change.unhealthy();
        if (unhealthy.size() > MAX_UNHEALTHY) {
            throw new ApiError(ErrorCode.INVALID_UNHEALTHY, "'unhealthy' names at most " + MAX_UNHEALTHY + " providers");
        }
        try {
            RoutingSetting.providers(unhealthy);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_UNHEALTHY, "'unhealthy': " + e.getMessage());
        }
        String note = Reviews.note(change.note());
        if (change.expectedVersion() != null) {
            if (change.expectedVersion() < 0) {
                throw new ApiError(ErrorCode.INVALID_EXPECTED_VERSION, "'expected_version' must be a version GET /admin/routing answered");
            }
            long now = current().version();
            if (now != change.expectedVersion()) {
                throw new ApiError(ErrorCode.ROUTING_VERSION_CONFLICT, "the routing settings are at version " + now + ", not "
                        + change.expectedVersion() + ": read them again and decide");
            }
        }
        RoutingSettings record = RoutingSettings.newBuilder().setRules(rules.trim()).setUnhealthy(List.copyOf(RoutingSetting.providers(unhealthy)))
                .setChangedBy(actor).setChangedAt(clock.now()).setNote(note).build();
        try {
            return store.write(record, Duration.ofSeconds(10));
        } catch (TimeoutException | IllegalStateException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "Kafka did not take the routing settings within 10 s; read them (GET /admin/routing) and retry");
        }
    }

    /** Forgets the operator's setting: every gateway routes with its start-up flags again (answered: this gateway's). */
    public RoutingSetting clear() throws Exception {
        try {
            store.clear(Duration.ofSeconds(10));
        } catch (TimeoutException | IllegalStateException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "Kafka did not take the change within 10 s; read the settings (GET /admin/routing) and retry");
        }
        return current();
    }
}
