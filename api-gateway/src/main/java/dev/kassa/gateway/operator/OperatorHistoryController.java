package dev.kassa.gateway.operator;

import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionIds;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A session's whole history for the operator ({@code GET /admin/sessions/{id}/history[?at=]}): events with actors and
 * command ids, every command's outcome, routing decisions, webhook attempts; or the state as it was at an instant.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class OperatorHistoryController {

    private final GatewaySettings settings;
    private final KafkaAccess access;
    private final SessionReads sessionReads;

    OperatorHistoryController(GatewaySettings settings, KafkaAccess access, SessionReads sessionReads) {
        this.settings = settings;
        this.access = access;
        this.sessionReads = sessionReads;
    }

    @Get("/admin/sessions/{sessionId}/history")
    HttpResponse<Map<String, Object>> operatorHistory(@Header(value = "Authorization", defaultValue = "") String authorization,
                                                      String sessionId, @QueryValue(value = "at", defaultValue = "") String at) throws Exception {
        Operators.require(settings, authorization);
        long id = SessionIds.parse(sessionId);
        SessionHistory.SessionLog log = sessionReads.timeline(id);
        if (log.events().isEmpty()) {
            // Not in the views: retired (terminal and older than their retention) or never there. The log keeps every
            // session; reading it means reading the session's partitions from the start, which only operators may ask.
            log = SessionHistory.read(access, id);
        }
        if (log.events().isEmpty()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "session " + id + " has no events");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("session_id", id);
        if (!at.isEmpty()) {
            Instant instant;
            try {
                instant = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new ApiError(ErrorCode.INVALID_AT, "'at' must be an ISO-8601 instant such as 2026-02-25T12:05:00Z");
            }
            SessionState state = SessionHistory.stateAt(log.events(), instant);
            answer.put("at", instant.toString());
            answer.put("status", state == null ? null : state.getStatus().name().toLowerCase(Locale.ROOT));
            answer.put("sequence", state == null ? null : state.getSequence());
            return HttpResponse.ok(answer);
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (SessionHistory.Entry e : SessionHistory.timeline(log.events(), log.results(), log.attempts(), log.routes())) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", e.at().toString());
            entry.put("kind", e.kind());
            entry.put("what", e.what());
            entry.put("detail", e.detail());
            entry.put("status", e.status());
            entry.put("sequence", e.sequence());
            entries.add(entry);
        }
        answer.put("timeline", entries);
        return HttpResponse.ok(answer);
    }
}
