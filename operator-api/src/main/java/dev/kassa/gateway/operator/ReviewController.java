package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.Refunds;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.RefundLedger;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.ResolveReview;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionState;
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
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * {@code POST /admin/sessions/{id}/review} (operator token): resolve a session in review, {@code {"resolution":
 * "approve|reject|refund", "note"?}}. Approve makes it paid (the merchant gets its paid webhook), reject failed,
 * refund sends the refund to the provider that took the money and records it. {@code kassa review} does the same.
 */
@Tag(name = "Sessions")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/sessions")
@ExecuteOn(TaskExecutors.BLOCKING)
class ReviewController {

    private final CommandBus commandBus;
    private final SessionReads sessionReads;
    private final GatewaySettings settings;
    private final Refunds refunds;

    private final SessionCommands commands;

    ReviewController(CommandBus commandBus, SessionReads sessionReads, GatewaySettings settings, Refunds refunds,
                     SessionCommands commands) {
        this.commands = commands;
        this.commandBus = commandBus;
        this.sessionReads = sessionReads;
        this.settings = settings;
        this.refunds = refunds;
    }

    @Post("/{sessionId}/review")
    @Operation(operationId = "resolveReview", summary = "Resolve a session in review")
    @RequestBody(required = true, description = "A JSON object: resolution (approve, reject or refund; required), note", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.ReviewResolved> resolve(String sessionId, @Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                              @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        String word = Json.text(json, "resolution");
        if (word == null) {
            throw ApiError.missingField("resolution");
        }
        ReviewResolution resolution = switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "approve" -> ReviewResolution.APPROVE;
            case "reject" -> ReviewResolution.REJECT;
            case "refund" -> ReviewResolution.REFUND;
            default -> throw new ApiError(ErrorCode.INVALID_RESOLUTION, "'resolution' must be approve, reject or refund");
        };
        long id;
        try {
            id = Long.parseLong(sessionId);
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + sessionId + "'");
        }
        SessionState state = sessionReads.session(id, 1, Duration.ofSeconds(1));
        if (state == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session " + id);
        }
        if (state.getStatus() != SessionStatus.REVIEW) {
            throw new ApiError(ErrorCode.INVALID_TRANSITION, "session " + id + " is " + state.getStatus().name().toLowerCase(Locale.ROOT)
                    + ", not in review");
        }
        String note = Json.text(json, "note");
        if (resolution == ReviewResolution.REFUND) {
            refunds.requireConnector();
        }
        String commandId = "review-" + UUID.randomUUID();
        CommandResult result = commandBus.sendOrUnavailable(commands.of(commandId, id, state.getMerchantId(), "operator",
                new ResolveReview(resolution, note)));
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            throw new ApiError(result.getErrorCode() == null ? ErrorCode.INVALID_TRANSITION : ErrorCode.of(result.getErrorCode()),
                    result.getMessage() == null ? "the review could not be resolved" : result.getMessage());
        }
        SessionStatus status = result.getStatus();
        if (resolution == ReviewResolution.REFUND) {
            // The resolution reserved the refund; the provider that took the payment executes it now.
            Refunds.Result refund = refunds.finish(id, RefundLedger.reviewRefundId(commandId),
                    result.getSequence(), "operator");
            if (refund.refused()) {
                throw new ApiError(ErrorCode.REFUND_REFUSED, "the provider " + state.getProvider()
                        + " refused the refund" + (refund.refund().getReason() == null ? "" : " (" + refund.refund().getReason() + ")")
                        + "; the session stays in review");
            }
            status = refund.session().getStatus();
        }
        return HttpResponse.ok(new OperatorApi.ReviewResolved(true, id, status.name().toLowerCase(Locale.ROOT)));
    }
}
