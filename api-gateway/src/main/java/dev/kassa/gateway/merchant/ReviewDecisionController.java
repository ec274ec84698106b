package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.Reviews;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
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

/**
 * {@code POST /gateway/review.php} (SPEC.md, "review by the merchant"): the merchant resolves a review of its own
 * session — approve, reject or refund, with a note — as the operator can. The history says it was the merchant's API
 * key ({@code merchant-api}); the webhook that follows says what happened (paid, failed or refunded).
 */
@Controller("/gateway")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Checkout sessions")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@ApiResponse(responseCode = "400", description = "invalid_json, missing_field, invalid_decision, invalid_note, invalid_session_id",
        content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "404", description = "not_found: no such session for this merchant",
        content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "409", description = "invalid_transition (not in review), refund_in_progress, ... (the aggregate's codes)",
        content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "502", description = "refund_refused: the provider refused; the session stays in review",
        content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
class ReviewDecisionController {

    private final SessionReads sessionReads;
    private final Reviews reviews;
    private final GatewaySettings settings;

    ReviewDecisionController(SessionReads sessionReads, Reviews reviews, GatewaySettings settings) {
        this.sessionReads = sessionReads;
        this.reviews = reviews;
        this.settings = settings;
    }

    @Post("/review.php")
    @Consumes(MediaType.ALL)
    @Operation(summary = "Resolve a review of one of your sessions", description = "approve: paid; reject: failed; refund: the provider "
            + "returns what it took, then refunded. The decision, the note and that it came from your API key are in the history.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MerchantApi.ReviewRequest.class)))
    @ApiResponse(responseCode = "200", description = "resolved", content = @Content(schema = @Schema(implementation = MerchantApi.Changed.class)))
    MerchantApi.Changed decide(@Parameter(hidden = true) Merchant merchant, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        JsonNode json = Json.object(body);
        SessionState state = OwnSessions.of(sessionReads, merchant, json, settings.sessionWait());
        ReviewResolution decision = Reviews.resolution(Json.text(json, "decision"), ErrorCode.INVALID_DECISION);
        Reviews.Resolved resolved = reviews.resolve(state, decision,
                Json.textField(json, "note", ErrorCode.INVALID_NOTE), "merchant-api");
        return new MerchantApi.Changed(true, resolved.sessionId(), resolved.wire());
    }
}
