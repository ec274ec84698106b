package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.payments.Reviews;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.ReviewResolution;
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

    private final GatewaySettings settings;
    private final Reviews reviews;

    ReviewController(GatewaySettings settings, Reviews reviews) {
        this.settings = settings;
        this.reviews = reviews;
    }

    @Post("/{sessionId}/review")
    @Operation(operationId = "resolveReview", summary = "Resolve a session in review")
    @RequestBody(required = true, description = "A JSON object: resolution (approve, reject or refund; required), note", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.ReviewResolved> resolve(String sessionId, @Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                              @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        ReviewResolution resolution = Reviews.resolution(Json.text(json, "resolution"), ErrorCode.INVALID_RESOLUTION);
        long id;
        try {
            id = Long.parseLong(sessionId);
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + sessionId + "'");
        }
        Reviews.Resolved resolved = reviews.resolve(id, resolution, Json.text(json, "note"), "operator");
        return HttpResponse.ok(new OperatorApi.ReviewResolved(true, id, resolved.wire()));
    }
}
