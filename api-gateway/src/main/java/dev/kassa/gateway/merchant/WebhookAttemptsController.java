package dev.kassa.gateway.merchant;

import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionIds;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookAttempt;
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
import java.util.List;
import java.util.Locale;

/**
 * {@code GET /gateway/webhook_attempts.php?session_id=}: every attempt to deliver a session's webhooks, to each of the
 * merchant's endpoints, with its status code, latency and the first 1 KB of the answer. Read from the session's
 * timeline view (kept as long as the session is in the views: docs/ARCHITECTURE.md).
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class WebhookAttemptsController {

    private final SessionReads sessionReads;

    WebhookAttemptsController(SessionReads sessionReads) {
        this.sessionReads = sessionReads;
    }

    @Get("/gateway/webhook_attempts.php")
    @Tag(name = "Webhooks")
    @SecurityRequirement(name = "bearer")
    @SecurityRequirement(name = "apiKey")
    @Operation(summary = "A session's webhook attempts",
            description = "Every attempt to every endpoint, oldest first: when, the status code, the latency, the outcome, the next try, and the first 1 KB of the answer.")
    @ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    @ApiResponse(responseCode = "404", description = "not_found", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<MerchantApi.WebhookAttempts> attempts(@Parameter(hidden = true) Merchant merchant,
                                                       @QueryValue(value = "session_id", defaultValue = "") String sessionId)
            throws InterruptedException {
        long id = SessionIds.parse(sessionId);
        List<MerchantApi.WebhookAttemptView> attempts = new ArrayList<>();
        for (WebhookAttempt a : sessionReads.timeline(id).attempts()) {
            if (a.getSessionId() == id && a.getMerchantId() == merchant.getMerchantId()) {
                attempts.add(view(a));
            }
        }
        if (attempts.isEmpty()) {
            // No attempt yet, or another merchant's session: the same answer, so ids cannot be probed.
            throw new ApiError(ErrorCode.NOT_FOUND, "no webhook attempts for this session of this merchant (yet)");
        }
        return HttpResponse.ok(new MerchantApi.WebhookAttempts(true, id, attempts));
    }

    static MerchantApi.WebhookAttemptView view(WebhookAttempt a) {
        return new MerchantApi.WebhookAttemptView(a.getEventId(),
                a.getEndpointId() != null ? a.getEndpointId() : WebhookEndpoints.id(a.getMerchantId()), a.getUrl(), a.getAttempt(),
                a.getAttemptedAt().toString(), a.getStatusCode(), a.getLatencyMs(), a.getOutcome().name().toLowerCase(Locale.ROOT),
                a.getError(), a.getReason(), a.getNextAttemptAt() == null ? null : a.getNextAttemptAt().toString(), a.getRedelivery(),
                a.getResponseExcerpt());
    }
}
