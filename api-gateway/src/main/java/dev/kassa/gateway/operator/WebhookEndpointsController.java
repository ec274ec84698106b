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
import io.swagger.v3.oas.annotations.Hidden;
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
@Hidden // the operator's API: not in the merchant's OpenAPI document
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
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> add(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                          @Nullable @Body String body) throws Exception {
        Operators.require(settings, authorization);
        return HttpResponse.created(answer(changes.add(merchantId, EndpointJson.spec(Json.object(body)))));
    }

    @Get
    Map<String, Object> list(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId) {
        Operators.require(settings, authorization);
        Merchant current = changes.merchant(merchantId);
        List<Map<String, Object>> endpoints = new ArrayList<>();
        for (WebhookEndpoints.Endpoint e : WebhookEndpoints.of(current, merchantDirectory::endpointFact)) {
            endpoints.add(view(e));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchantId);
        answer.put("endpoints", endpoints);
        answer.put("retry_schedule", current.getWebhookRetrySchedule());
        return answer;
    }

    @Patch("/{endpointId}")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> update(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             String endpointId, @Nullable @Body String body) throws Exception {
        Operators.require(settings, authorization);
        return HttpResponse.ok(answer(changes.update(merchantId, endpointId, EndpointJson.patch(Json.object(body)))));
    }

    @Delete("/{endpointId}")
    Map<String, Object> delete(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                               String endpointId) throws Exception {
        Operators.require(settings, authorization);
        return Map.of("ok", true, "endpoint_id", changes.delete(merchantId, endpointId));
    }

    /** A signed {@code ping} to this endpoint, sent once by the relay (the gateway never calls merchants' URLs). */
    @Post("/{endpointId}/test")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> test(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
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
        return HttpResponse.accepted().body(Map.of("ok", true, "event_id", eventId, "endpoint_id", endpointId));
    }

    /**
     * The attempts made to this endpoint since {@code since} (default the last 24 hours, at most the attempts topic's 30
     * days), newest first, at most {@code limit} (default 100, at most 1,000). Read from the attempts topic from the
     * offset of {@code since} on: the cost is the window's attempts, not the topic's.
     */
    @Get("/{endpointId}/attempts")
    Map<String, Object> attempts(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
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
        List<Map<String, Object>> answer = new ArrayList<>();
        for (int i = found.size() - 1; i >= 0 && answer.size() < max; i--) {
            answer.add(attemptView(found.get(i)));
        }
        return Map.of("ok", true, "endpoint_id", id, "since", from.toString(), "attempts", answer);
    }

    private static Map<String, Object> attemptView(WebhookAttempt a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("event_id", a.getEventId());
        v.put("session_id", a.getSessionId());
        v.put("attempt", a.getAttempt());
        v.put("url", a.getUrl());
        v.put("attempted_at", a.getAttemptedAt().toString());
        v.put("status_code", a.getStatusCode());
        v.put("latency_ms", a.getLatencyMs());
        v.put("outcome", a.getOutcome().name().toLowerCase(Locale.ROOT));
        v.put("error", a.getError());
        v.put("reason", a.getReason());
        v.put("next_attempt_at", a.getNextAttemptAt() == null ? null : a.getNextAttemptAt().toString());
        v.put("redelivery", a.getRedelivery());
        v.put("response_excerpt", a.getResponseExcerpt());
        return v;
    }

    static Map<String, Object> view(WebhookEndpoints.Endpoint e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("endpoint_id", e.id());
        v.put("url", e.url());
        v.put("event_filter", e.eventFilter());
        v.put("description", e.description());
        v.put("enabled", e.enabled());
        v.put("disabled_reason", e.disabledReason());
        v.put("max_per_second", e.maxPerSecond());
        v.put("first", e.first());
        v.put("created_at", e.createdAt() == null ? null : e.createdAt().toString());
        return v;
    }

    /** The answer to an added or changed endpoint: its id, and its new secret when one was made (shown once). */
    private static Map<String, Object> answer(EndpointSpec.Secret changed) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("endpoint_id", changed.endpointId());
        if (changed.secret() != null) {
            answer.put("secret", changed.secret());
        }
        return answer;
    }
}
