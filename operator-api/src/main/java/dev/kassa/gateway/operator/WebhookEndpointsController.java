package dev.kassa.gateway.operator;

import dev.kassa.gateway.accounts.EndpointSpec;
import dev.kassa.gateway.accounts.WebhookEndpointChanges;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.WebhookLog;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.WebhookAttempt;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A merchant's webhook endpoints (SPEC.md, "Webhook endpoints"): 1 to 10, each with its URL, secret, event filter,
 * description, enabled flag and optional throttle. The first is the seed's {@code webhook_url} and
 * {@code webhook_secret} (kept where they were, so {@code PATCH /admin/merchants/{id}} still changes it); the others
 * are {@code webhook_endpoints} on the merchant's record. The gateway writes them (it alone writes merchants); the
 * relay delivers to them and adds its own facts (disabled after a 410 or days without a success).
 */
@Tag(name = "Webhook endpoints")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/merchants/{merchantId}/webhook-endpoints")
@ExecuteOn(TaskExecutors.BLOCKING)
class WebhookEndpointsController {

    /** Statuses an event filter may name (SPEC.md's lifecycle), or {@code *}. */

    private final MerchantDirectory merchantDirectory;
    private final WebhookLog webhookLog;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final SecretKeyring keyring;

    private final WebhookEndpointChanges changes;

    WebhookEndpointsController(MerchantDirectory merchantDirectory, WebhookLog webhookLog, GatewaySettings settings,
                               SessionCommands commands, SecretKeyring keyring,
                               WebhookEndpointChanges changes) {
        this.changes = changes;
        this.merchantDirectory = merchantDirectory;
        this.webhookLog = webhookLog;
        this.settings = settings;
        this.commands = commands;
        this.keyring = keyring;
    }

    @Post
    @Operation(operationId = "addEndpoint", summary = "Add a webhook endpoint (1 to 10 per merchant); its secret is shown once")
    @ApiResponse(responseCode = "201", description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.EndpointSaved.class)))
    @RequestBody(required = true, description = "A JSON object: url (required), event_filter, description, max_per_second", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.EndpointSaved> add(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                          @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        return HttpResponse.created(answer(changes.add(merchantId, EndpointJson.spec(Json.object(body)))));
    }

    @Get
    @Operation(operationId = "listEndpoints", summary = "The merchant's webhook endpoints")
    OperatorApi.EndpointList list(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId) {
        Operators.require(settings, authorization);
        Merchant current = changes.merchant(merchantId);
        List<OperatorApi.Endpoint> endpoints = WebhookEndpoints.of(current, merchantDirectory::endpointFact).stream()
                .map(WebhookEndpointsController::view).toList();
        return new OperatorApi.EndpointList(true, merchantId, endpoints, current.getWebhookRetrySchedule());
    }

    @Patch("/{endpointId}")
    @Operation(operationId = "changeEndpoint", summary = "Change an endpoint: only the fields present")
    @RequestBody(required = true, description = "A JSON object: url, event_filter, description, max_per_second (null: no throttle), enabled, rotate_secret, end_secret_overlap", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.EndpointSaved> update(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             String endpointId, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        return HttpResponse.ok(answer(changes.update(merchantId, endpointId, EndpointJson.patch(Json.object(body)))));
    }

    @Delete("/{endpointId}")
    @Operation(operationId = "deleteEndpoint", summary = "Delete an endpoint")
    OperatorApi.EndpointDeleted delete(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                               String endpointId) throws Exception {
        Operators.require(settings, authorization);
        return new OperatorApi.EndpointDeleted(true, changes.delete(merchantId, endpointId));
    }

    /** A signed {@code ping} to this endpoint, sent once by the relay (the gateway never calls merchants' URLs). */
    @Post("/{endpointId}/test")
    @Operation(operationId = "pingEndpoint", summary = "Send a signed ping to the endpoint once (through the relay)")
    @ApiResponse(responseCode = "202", description = "queued for the relay",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.PingQueued.class)))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.PingQueued> test(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                           String endpointId) throws Exception {
        Operators.require(settings, authorization);
        Merchant current = changes.merchant(merchantId);
        changes.endpointKey(current, endpointId);
        Instant now = commands.now();
        String eventId = "evt_ping_" + Long.toUnsignedString(Secrets.id(), 36);
        Map<String, Object> ping = new LinkedHashMap<>();
        ping.put("type", "ping");
        ping.put("event_id", eventId);
        ping.put("merchant_id", merchantId);
        ping.put("endpoint_id", endpointId);
        ping.put("sent_at", now.toString());
        byte[] body = Json.MAPPER.writeValueAsBytes(ping);
        // Keyed by session 0: a ping belongs to no session; its attempt is listed with the endpoint's.
        webhookLog.redeliver(RedeliveryRequest.newBuilder().setRequestId(eventId).setEventId(eventId).setSessionId(0).setMerchantId(merchantId)
                .setSequence(0).setBody(ByteBuffer.wrap(body)).setRequestedAt(now).setRequestedBy("operator:endpoint-test")
                .setEndpointId(endpointId).build());
        return HttpResponse.<OperatorApi.PingQueued>accepted().body(new OperatorApi.PingQueued(true, eventId, endpointId));
    }

    /**
     * The attempts made to this endpoint since {@code since} (default the last 24 hours, at most the attempts topic's 30
     * days), newest first, at most {@code limit} (default 100, at most 1,000). Read from the attempts topic from the
     * offset of {@code since} on: the cost is the window's attempts, not the topic's.
     */
    @Get("/{endpointId}/attempts")
    @Operation(operationId = "endpointAttempts", summary = "The attempts made to the endpoint since ?since= (default 24 hours), newest first, at most ?limit= (1,000)")
    OperatorApi.AttemptList attempts(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                 String endpointId, @Nullable @QueryValue String since, @Nullable @QueryValue Integer limit) {
        Operators.require(settings, authorization);
        Merchant current = changes.merchant(merchantId);
        long key = changes.endpointKey(current, endpointId);
        Instant from;
        try {
            from = since == null ? commands.now().minus(Duration.ofHours(24)) : Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw new ApiError(ErrorCode.INVALID_FROM, "'since' is not an ISO-8601 instant such as 2026-11-30T12:00:00Z");
        }
        int max = limit == null ? 100 : Math.max(1, Math.min(1000, limit));
        String id = WebhookEndpoints.id(key);
        List<WebhookAttempt> found = webhookLog.attemptsSince(from, a -> a.getMerchantId() == merchantId
                && (id.equals(a.getEndpointId()) || (a.getEndpointId() == null && key == merchantId)));
        List<OperatorApi.Attempt> answer = new ArrayList<>();
        for (int i = found.size() - 1; i >= 0 && answer.size() < max; i--) {
            answer.add(attemptView(found.get(i)));
        }
        return new OperatorApi.AttemptList(true, id, from.toString(), answer);
    }

    private static OperatorApi.Attempt attemptView(WebhookAttempt a) {
        return new OperatorApi.Attempt(a.getEventId(), a.getSessionId(), a.getAttempt(), a.getUrl(), a.getAttemptedAt().toString(),
                a.getStatusCode(), a.getLatencyMs(), a.getOutcome().name().toLowerCase(Locale.ROOT), a.getError(), a.getReason(),
                a.getNextAttemptAt() == null ? null : a.getNextAttemptAt().toString(), a.getRedelivery(), a.getResponseExcerpt());
    }

    static OperatorApi.Endpoint view(WebhookEndpoints.Endpoint e) {
        return new OperatorApi.Endpoint(e.id(), e.url(), e.eventFilter(), e.description(), e.enabled(), e.disabledReason(),
                e.maxPerSecond(), e.first(), e.createdAt() == null ? null : e.createdAt().toString());
    }

    /** The answer to an added or changed endpoint: its id, and its new secret when one was made (shown once). */
    private static OperatorApi.EndpointSaved answer(EndpointSpec.Secret changed) {
        return new OperatorApi.EndpointSaved(true, changed.endpointId(), changed.secret());
    }
}
