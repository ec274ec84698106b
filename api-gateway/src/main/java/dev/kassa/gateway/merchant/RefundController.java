package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.Refunds;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Domains;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.gateway.shared.SessionIds;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.model.SessionView;
import dev.kassa.router.Method;
import dev.kassa.router.RouteDecision;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** {@code POST /gateway/refund.php}: a merchant's refund, reserved by the aggregate and executed by the provider that took the payment. */
@Controller("/gateway")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Checkout sessions")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@ApiResponse(responseCode = "400", description = "invalid_json, missing_field, invalid_amount, invalid_currency, invalid_domain, invalid_email, "
        + "invalid_meta, invalid_idempotency_key (see x-error-codes)", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "403", description = "merchant_disabled, domain_not_allowed", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "404", description = "not_found", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "409", description = "invalid_transition, idempotency_conflict, refund_in_progress, ... (the aggregate's codes)",
        content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "429", description = "rate_limited, with Retry-After", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "503", description = "unavailable: retry with the same Idempotency-Key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
class RefundController {

    private final SessionReads sessionReads;
    private final Refunds refunds;
    private final GatewaySettings settings;

    RefundController(SessionReads sessionReads, Refunds refunds, GatewaySettings settings) {
        this.sessionReads = sessionReads;
        this.refunds = refunds;
        this.settings = settings;
    }

    /**
     * Refunds all ({@code amount} absent) or part of a paid session. {@code Idempotency-Key} (or {@code refund_id} in the
     * body) names the refund: a retry is the same refund and gets the same answer. Reserved by the aggregate, executed
     * by the provider that took the payment, confirmed or refused as events ({@link Refunds}).
     */
    @Post("/refund.php")
    @Consumes(MediaType.ALL)
    @Operation(summary = "Refund all or part of a paid session", description = "Idempotency-Key (or refund_id) names the refund: a retry "
            + "gets the same answer. Refunded plus reserved never exceeds what was received.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MerchantApi.RefundRequest.class)))
    @ApiResponse(responseCode = "200", description = "refunded", content = @Content(schema = @Schema(implementation = MerchantApi.Refunded.class)))
    @ApiResponse(responseCode = "502", description = "refund_refused: the provider refused; nothing was refunded",
            content = @Content(schema = @Schema(implementation = MerchantApi.Refunded.class)))
    HttpResponse<MerchantApi.Refunded> refund(@Parameter(hidden = true) Merchant merchant,
                                              @Nullable @Header("Idempotency-Key") @Parameter(description = "optional: names the refund") String idemKey,
                                              @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        String idempotencyKey = idemKey == null ? "" : idemKey;
        JsonNode json = Json.object(body);
        SessionState state = OwnSessions.of(sessionReads, merchant, json, settings.sessionWait());
        Long amount = null;
        String raw = Json.text(json, "amount");
        if (raw != null) {
            try {
                amount = Money.toMinor(raw, state.getCurrency());
            } catch (IllegalArgumentException e) {
                throw new ApiError(ErrorCode.INVALID_AMOUNT, e.getMessage());
            }
        }
        String key = !idempotencyKey.isBlank() ? idempotencyKey.trim() : Json.text(json, "refund_id");
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw new ApiError(ErrorCode.INVALID_IDEMPOTENCY_KEY, "an Idempotency-Key (or refund_id) has 1 to 255 characters");
        }
        // Without a key every request is a new refund, as before keys existed; with one, the refund id follows from it.
        String refundId = key == null ? "rf-" + UUID.randomUUID() : "rf-" + Secrets.sha256(merchant.getMerchantId() + "\n" + key).substring(0, 32);
        Refunds.Result result = refunds.refund(state, refundId, key, amount, Json.text(json, "reason"), "merchant-api");
        SessionState after = result.session();
        MerchantApi.Refunded answer = new MerchantApi.Refunded(!result.refused(),
                result.refused() ? ErrorCode.REFUND_REFUSED.code() : null,
                result.refused() ? "the provider " + after.getProvider() + " refused the refund"
                        + (result.refund().getReason() == null ? "" : ": " + result.refund().getReason()) + "; nothing was refunded" : null,
                after.getSessionId(), SessionView.status(after.getStatus()), key != null ? key : refundId,
                result.refused() ? "refused" : "refunded", Money.toDecimal(result.refund().getAmountMinor(), after.getCurrency()),
                Money.toDecimal(after.getRefundedMinor(), after.getCurrency()), result.refund().getProviderRefundId());
        return HttpResponse.status(result.refused() ? HttpStatus.BAD_GATEWAY : HttpStatus.OK).body(answer);
    }
}
