package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.WebhookLog;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.log.Redeliveries;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.SessionView;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code POST /admin/webhooks/redeliver} with {@code event_id}, {@code session_id}, or {@code from} and {@code to}:
 * the same as {@code kassa redeliver}. The bodies are rebuilt from the event log; the relay sends them, marked.
 */
@Tag(name = "Webhooks")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING)
class RedeliveryController {

    private final GatewaySettings settings;
    private final KafkaAccess access;
    private final WebhookLog webhookLog;

    private final SessionCommands commands;

    RedeliveryController(GatewaySettings settings, KafkaAccess access, WebhookLog webhookLog, SessionCommands commands) {
        this.access = access;
        this.commands = commands;
        this.settings = settings;
        this.webhookLog = webhookLog;
    }

    @Post("/redeliver")
    @Operation(operationId = "redeliverWebhooks", summary = "Redeliver webhooks from the log: one event, one session's, or a time range (per endpoint)")
    @RequestBody(required = true, description = "A JSON object: event_id, session_id, from, to (ISO-8601), endpoint_id; merchant_id and status narrow a time range to one merchant's events that moved a session to that status", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.Redelivered> redeliver(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                                @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        String eventId = Json.text(json, "event_id");
        Long sessionId = json.hasNonNull("session_id") ? json.get("session_id").asLong() : null;
        Redeliveries.Selection selection;
        try {
            // endpoint_id: "recover since T" for one endpoint (SPEC.md); absent, the merchant's first endpoint.
            selection = new Redeliveries.Selection(sessionId, eventId, instant(json, ErrorCode.INVALID_FROM), instant(json, ErrorCode.INVALID_TO),
                    Json.text(json, "endpoint_id"), json.hasNonNull("merchant_id") ? json.get("merchant_id").asLong() : null, status(json));
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.MISSING_FIELD, e.getMessage().replace("--", ""));
        }
        List<RedeliveryRequest> requests = Redeliveries.fromLog(access, selection, "operator:admin-api", commands.now());
        if (requests.isEmpty()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no event matched");
        }
        for (RedeliveryRequest request : requests) {
            webhookLog.redeliver(request);
        }
        return HttpResponse.ok(new OperatorApi.Redelivered(true, requests.size(), requests.stream().map(RedeliveryRequest::getEventId).toList()));
    }

    /** {@code status}: only events that moved a session to it; refused with {@code invalid_status} when it names none. */
    private static SessionStatus status(JsonNode json) {
        String value = Json.text(json, "status");
        return value == null ? null : SessionView.statusOf(value).orElseThrow(() -> new ApiError(ErrorCode.INVALID_STATUS,
                "'status' must be a session status: created, pending, paid, failed, expired, cancelled, review or refunded"));
    }

    private static Instant instant(JsonNode json, ErrorCode invalid) {
        String field = invalid.field();
        String value = Json.text(json, field);
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiError(invalid, "'" + field + "' must be an ISO-8601 instant such as 2026-02-25T12:00:00Z");
        }
    }
}
