package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.views.LookupReads;
import dev.kassa.gateway.views.SessionLookups;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.SessionView;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.core.annotation.Nullable;
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
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /admin/sessions/lookup} (operator token): find sessions from a support ticket, by a merchant's order id
 * ({@code {"merchant_id", "order_id"}}) or by the buyer's e-mail ({@code {"email"}}, through its blind index). A POST,
 * so that an address never stands in a URL, where access logs and proxies keep it. {@code kassa history --order/--email}
 * asks this.
 */
@Tag(name = "Sessions")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/sessions/lookup")
@ExecuteOn(TaskExecutors.BLOCKING)
class SessionLookupController {

    private final GatewaySettings settings;
    private final LookupReads lookups;
    private final SessionReads sessions;

    SessionLookupController(GatewaySettings settings, LookupReads lookups, SessionReads sessions) {
        this.settings = settings;
        this.lookups = lookups;
        this.sessions = sessions;
    }

    @Post
    @Operation(operationId = "lookupSessions", summary = "Sessions of a merchant's order, or of a buyer's e-mail (newest first, at most 50)")
    @ApiResponse(responseCode = "400", description = "invalid_json, invalid_lookup: neither merchant_id with order_id nor email")
    @RequestBody(required = true, description = "A JSON object: merchant_id and order_id, or email",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    OperatorApi.Found lookup(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        String email = Json.textField(json, "email", ErrorCode.INVALID_LOOKUP);
        String orderId = Json.textField(json, "order_id", ErrorCode.INVALID_LOOKUP);
        JsonNode merchant = json.get("merchant_id");
        List<SessionLookups.Found> found;
        if (email != null && orderId == null && merchant == null) {
            if (email.length() > 254) {
                throw new ApiError(ErrorCode.INVALID_LOOKUP, "'email' is at most 254 characters");
            }
            found = lookups.byEmail(email);
        } else if (email == null && orderId != null && merchant != null && merchant.canConvertToLong() && merchant.isIntegralNumber()) {
            if (orderId.isEmpty() || orderId.length() > 255) {
                throw new ApiError(ErrorCode.INVALID_LOOKUP, "'order_id' is 1 to 255 characters");
            }
            found = lookups.byOrder(merchant.asLong(), orderId);
        } else {
            throw new ApiError(ErrorCode.INVALID_LOOKUP, "send {\"merchant_id\": 42, \"order_id\": \"A-1\"} or {\"email\": \"buyer@example.com\"}");
        }
        List<OperatorApi.FoundSession> answer = new ArrayList<>();
        for (SessionLookups.Found f : found.stream().sorted((a, b) -> b.createdAt().compareTo(a.createdAt())).toList()) {
            SessionState state = sessions.sessionNow(f.sessionId());
            if (state != null) { // retired between the index and now: it left the views with its index entry
                answer.add(new OperatorApi.FoundSession(state.getSessionId(), state.getMerchantId(), state.getOrderId(),
                        SessionView.status(state.getStatus()), Money.toDecimal(state.getAmountMinor(), state.getCurrency()),
                        state.getCurrency(), state.getCreatedAt().toString()));
            }
        }
        return new OperatorApi.Found(true, answer);
    }
}
