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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * A session's whole history for the operator ({@code GET /admin/sessions/{id}/history[?at=]}): events with actors and
 * command ids, every command's outcome, routing decisions, webhook attempts; or the state as it was at an instant.
 */
@Tag(name = "Sessions")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
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
    @Operation(operationId = "sessionHistory", summary = "A session's timeline from the log, or its state at an instant (?at=)")
    HttpResponse<?> operatorHistory(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
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
        if (!at.isEmpty()) {
            Instant instant;
            try {
                instant = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new ApiError(ErrorCode.INVALID_AT, "'at' must be an ISO-8601 instant such as 2026-02-25T12:05:00Z");
            }
            SessionState state = SessionHistory.stateAt(log.events(), instant);
            return HttpResponse.ok(new OperatorApi.StateAt(true, id, instant.toString(),
                    state == null ? null : state.getStatus().name().toLowerCase(Locale.ROOT), state == null ? null : state.getSequence()));
        }
        List<OperatorApi.TimelineEntry> timeline = SessionHistory.timeline(log.events(), log.results(), log.attempts(), log.routes()).stream()
                .map(e -> new OperatorApi.TimelineEntry(e.at().toString(), e.kind(), e.what(), e.detail(), e.status(), e.sequence())).toList();
        return HttpResponse.ok(new OperatorApi.History(true, id, timeline));
    }
}
