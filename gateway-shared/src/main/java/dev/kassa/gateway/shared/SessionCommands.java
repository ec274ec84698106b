package dev.kassa.gateway.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kassa.schemas.avro.SessionCommand;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * The one way the gateway makes a command for the aggregate, stamped by the one clock it is given (a test may give
 * another). The aggregate decides with the time that comes in with the command, never its own.
 */
@Singleton
public final class SessionCommands {

    private final Clock clock;

    public SessionCommands(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** A command to {@code sessionId} of {@code merchantId} (0 when the sender cannot know it, as a provider), issued now. */
    public SessionCommand of(String commandId, long sessionId, long merchantId, String actor, Object payload) {
        return SessionCommand.newBuilder().setCommandId(commandId).setSessionId(sessionId).setMerchantId(merchantId)
                .setIssuedAt(clock.instant()).setActor(actor).setPayload(payload).build();
    }

    /**
     * A session's {@code meta} as the create carries it: a JSON object of text values (the merchant API passes the
     * merchant's own object through; a link or product page names itself). The one place below the adapters that
     * writes JSON, so that merchant-admin never holds a JSON tree.
     */
    public static String metaJson(Map<String, String> meta) {
        try {
            return Json.MAPPER.writeValueAsString(meta);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of text is always JSON", e);
        }
    }

    /** The system's UTC clock, unless a test or an embedding application provides its own. */
    @Factory
    public static class Clocks {
        @Singleton
        @Requires(missingBeans = Clock.class)
        Clock clock() {
            return Clock.systemUTC();
        }
    }
}
