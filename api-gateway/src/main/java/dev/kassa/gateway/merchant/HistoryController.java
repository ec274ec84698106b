package dev.kassa.gateway.merchant;

import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionIds;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's log as its merchant reads it ({@code GET /gateway/session_events.php}, seed 001's "useful payment
 * log", without operator-only detail), read from the session's partition of the events and attempts topics.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class HistoryController {

    private final KafkaAccess access;
    private final SessionReads sessionReads;
    private final GatewaySettings settings;

    HistoryController(KafkaAccess access, SessionReads sessionReads, GatewaySettings settings) {
        this.access = access;
        this.sessionReads = sessionReads;
        this.settings = settings;
    }

    @Get("/gateway/session_events.php")
    @Tag(name = "Checkout sessions")
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "A session's payment log (seed 001's useful payment log)",
            description = "Every step in order, with why (review reason, failure code, refund phase), and every webhook attempt.")
    @ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    @ApiResponse(responseCode = "404", description = "not_found", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<MerchantApi.PaymentLog> merchantLog(@Parameter(hidden = true) Merchant merchant,
                                                     @QueryValue(value = "session_id", defaultValue = "") String sessionId) throws Exception {
        long id = SessionIds.parse(sessionId);
        // A session created here a moment ago (answered once appended): its log begins when its state exists.
        SessionState state = sessionReads.knownSession(id, settings.sessionWait());
        SessionHistory.SessionLog log = sessionReads.timeline(id, state, settings.sessionWait());
        if (log.events().isEmpty() || log.events().get(0).getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        Map<Long, String> reasons = new HashMap<>();
        for (SessionEvent event : log.events()) {
            String reason = SessionHistory.reason(event);
            if (reason != null) {
                reasons.put(event.getSequence(), reason);
            }
        }
        List<MerchantApi.LogEntry> entries = new ArrayList<>();
        for (SessionHistory.Entry e : SessionHistory.timeline(log.events(), List.of(), log.attempts())) {
            // Why, in SPEC.md's codes (review reason, failure code, refund phase): what support needs without the operator's detail.
            String reason = e.kind().equals("event") ? reasons.get(e.sequence()) : null;
            entries.add(new MerchantApi.LogEntry(e.at().toString(), e.kind(), e.what(), e.status(), e.sequence(), reason));
        }
        return HttpResponse.ok(new MerchantApi.PaymentLog(true, id, entries));
    }
}
