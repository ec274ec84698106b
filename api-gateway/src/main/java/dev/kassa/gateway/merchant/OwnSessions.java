package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.SessionIds;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;

/** The session a command body names by {@code session_id}, if it is this merchant's: else {@code not_found}, never another's. */
final class OwnSessions {

    private OwnSessions() {
    }

    static SessionState of(SessionReads sessions, Merchant merchant, JsonNode json, Duration wait) throws InterruptedException {
        String raw = Json.text(json, "session_id");
        if (raw == null || raw.isBlank()) {
            throw ApiError.missingField("session_id");
        }
        long id = SessionIds.parse(raw);
        // Read-your-writes: a session created a moment ago may still be on its way to this replica.
        SessionState state = sessions.knownSession(id, wait); // created here a moment ago: wait for it (a guess: not at all)
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        return state;
    }
}
