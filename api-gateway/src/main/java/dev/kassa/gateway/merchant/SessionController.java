package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.PayoutWallets;
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
import java.util.concurrent.TimeoutException;

/** The seed-compatible merchant API: create a checkout session, read its status, cancel, refund. */
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
class SessionController {

    private final CommandBus commandBus;
    private final SessionReads sessionReads;
    private final Routing routing;
    private final Refunds refunds;
    private final GatewaySettings settings;
    private final SessionCommands commands;

    SessionController(CommandBus commandBus, SessionReads sessionReads, GatewaySettings settings, Routing routing,
                      Refunds refunds, SessionCommands commands) {
        this.commandBus = commandBus;
        this.sessionReads = sessionReads;
        this.refunds = refunds;
        this.routing = routing;
        this.settings = settings;
        this.commands = commands;
    }

    @Post("/session.php")
    @Consumes(MediaType.ALL)
    @Operation(summary = "Create a checkout session", description = "Seed 003's create. Send the buyer to checkout_url; the outcome "
            + "arrives as signed webhooks. An Idempotency-Key makes a retry the same session.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MerchantApi.CreateRequest.class)))
    HttpResponse<MerchantApi.Created> create(@Parameter(hidden = true) Merchant merchant,
                                             @Nullable @Header("Idempotency-Key") @Parameter(description = "optional, at most 255 characters: a retry with the same key is the same session") String idemKey,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        String idempotencyKey = idemKey == null ? "" : idemKey;
        if (idempotencyKey.length() > 255) {
            throw new ApiError(ErrorCode.INVALID_IDEMPOTENCY_KEY, "an Idempotency-Key has at most 255 characters");
        }
        NewSession request = NewSession.parse(Json.object(body), merchant);
        String domain = request.domain();
        String currency = request.currency();
        long amountMinor = request.amountMinor();
        String hint = request.hint();
        if (routing.asksForCrypto(hint) && !PayoutWallets.cryptoReady(merchant)) {
            throw new ApiError(ErrorCode.MISSING_MERCHANT_PAYOUT_WALLET, merchant.getPayoutWallet() == null
                    ? "crypto checkout needs a payout wallet: set it in the dashboard's settings (Payout wallet), then turn crypto on"
                    : "crypto checkout is off for this merchant: turn it on in the dashboard's settings");
        }
        boolean smart = merchant.getPackage$() != MerchantPackage.FREE && merchant.getCheckoutMode() == CheckoutMode.SMART_ROUTER;
        // The buyer's country is not known yet at create: iDEAL (NL only) is left to the hosted page.
        RouteDecision route = routing.route(merchant, hint, amountMinor, currency, null);
        String normalizedHint = hint == null ? null : hint.trim().toLowerCase(Locale.ROOT);
        boolean methodHint = normalizedHint != null && Method.of(normalizedHint).isPresent();
        Instant now = commands.now();
        boolean idempotent = !idempotencyKey.isEmpty();
        for (int draw = 0; draw < 3; draw++) {
            // With an Idempotency-Key the session id and command id follow from it: a retry, even a concurrent one,
            // is the same command, which the aggregate applies once.
            long sessionId = idempotent ? Secrets.idFor(merchant.getMerchantId(), idempotencyKey) : Secrets.id();
            String commandId = idempotent ? "create-idem-" + Secrets.sha256(merchant.getMerchantId() + "\n" + idempotencyKey)
                    : "create-" + UUID.randomUUID();
            SessionCommand command = commands.of(commandId, sessionId, merchant.getMerchantId(), "merchant-api",
                    CreateSession.newBuilder()
                            .setOrderId(request.orderId()).setAmountMinor(amountMinor).setCurrency(currency).setShopDomain(domain)
                            .setCustomerEmail(request.customerEmail())
                            .setReturnUrl(request.returnUrl())
                            .setCancelUrl(request.cancelUrl())
                            .setMetaJson(request.metaJson())
                            .setExpiresAt(now.plusSeconds(merchant.getSessionTtlSeconds()))
                            .setGraceSeconds(merchant.getGraceSeconds())
                            .setLatePaymentPolicy(merchant.getLatePaymentPolicy())
                            .setMethodHint(smart && methodHint ? normalizedHint : null)
                            .setProviderHint(smart && !methodHint ? normalizedHint : null)
                            .setSelectedProvider(route.chosen())
                            .setDescription(request.description())
                            .setLineItems(request.lineItems())
                            .setCollect(request.collect())
                            .setCustomFields(request.customFields())
                            .build());
            if (!idempotent) {
                // The fast create (issue 12): a fresh random id, checked against every session this gateway knows, and a
                // command the aggregate can only apply; answered once it is durably appended. Reads wait for its state.
                if (commandBus.sessionIdTaken(sessionId)) {
                    continue;
                }
                try {
                    commandBus.append(command, Duration.ofSeconds(10));
                } catch (TimeoutException e) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "Kafka did not take the session within 10 s; retry");
                }
                if (hint != null || route.chosen() != null) {
                    routing.record(merchant, sessionId, normalizedHint, amountMinor, currency, null, route, "at session create; " + route.reason());
                }
                return HttpResponse.ok(new MerchantApi.Created(true, sessionId, settings.publicUrl() + "/pay.php?session=" + sessionId,
                        routing.directUrl(sessionId, route), route.chosen(), smart, SeedTime.format(now.plusSeconds(merchant.getSessionTtlSeconds()))));
            }
            CommandResult result = commandBus.sendOrUnavailable(command);
            if (result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE) {
                Instant expiresAt = now.plusSeconds(merchant.getSessionTtlSeconds());
                if (result.getOutcome() == CommandOutcome.DUPLICATE) {
                    SessionState first = sessionReads.session(sessionId, 1, Duration.ofSeconds(2));
                    if (first != null) {
                        expiresAt = first.getExpiresAt(); // the first answer's, not this retry's
                    }
                }
                if (result.getOutcome() == CommandOutcome.APPLIED && (hint != null || route.chosen() != null)) {
                    routing.record(merchant, sessionId, normalizedHint, amountMinor, currency, null, route, "at session create; " + route.reason());
                }
                return HttpResponse.ok(new MerchantApi.Created(true, sessionId, settings.publicUrl() + "/pay.php?session=" + sessionId,
                        routing.directUrl(sessionId, route), route.chosen(), smart, SeedTime.format(expiresAt)));
            }
            if (idempotent && (result.getOutcome() == CommandOutcome.FLAGGED || "session_exists".equals(result.getErrorCode()))) {
                throw new ApiError(ErrorCode.IDEMPOTENCY_CONFLICT,
                        "this Idempotency-Key was used before with a different request; use a new key for a new session");
            }
            if (!"session_exists".equals(result.getErrorCode())) {
                throw new ApiError(ErrorCode.of(result.getErrorCode()), result.getMessage());
            }
            // A random id collided with an existing session: draw another.
        }
        throw new ApiError(ErrorCode.UNAVAILABLE, "no free session id after 3 draws; retry");
    }

    @Get("/status.php")
    @Operation(summary = "A session's status (seed 002)")
    HttpResponse<MerchantApi.Status> status(@Parameter(hidden = true) Merchant merchant,
                                            @QueryValue(value = "session_id", defaultValue = "") String sessionId) throws Exception {
        return sessionStatus(merchant, sessionId, "", "");
    }

    @Get("/session_status.php")
    @Operation(summary = "A session's status by session id, order id or number=session_ID (seed 003)",
            description = "By order id, the newest session of that order.")
    HttpResponse<MerchantApi.Status> sessionStatus(@Parameter(hidden = true) Merchant merchant,
                                                   @Nullable @QueryValue("session_id") String sessionIdOrNull,
                                                   @Nullable @QueryValue("order_id") String orderIdOrNull,
                                                   @Nullable @QueryValue("number") @Parameter(description = "session_ID, as seed 003 writes it") String numberOrNull)
            throws Exception {
        String sessionId = sessionIdOrNull == null ? "" : sessionIdOrNull;
        String orderId = orderIdOrNull == null ? "" : orderIdOrNull;
        String number = numberOrNull == null ? "" : numberOrNull;
        SessionState state;
        if (!orderId.isEmpty()) {
            state = sessionReads.sessionByOrder(merchant.getMerchantId(), orderId, settings.sessionWait());
        } else {
            String raw = !sessionId.isEmpty() ? sessionId : number.startsWith("session_") ? number.substring("session_".length()) : number;
            if (raw.isEmpty()) {
                throw new ApiError(ErrorCode.MISSING_FIELD, "'session_id' (or 'order_id', or 'number=session_ID') is required");
            }
            // Read-your-writes: a session created a moment ago may still be on its way to this replica.
            state = sessionReads.knownSession(SessionIds.parse(raw), settings.sessionWait());
        }
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        // The same view as the webhook's (SessionView): amounts, paid amount, references and times never disagree.
        @SuppressWarnings("unchecked")
        Map<String, Object> meta = Json.MAPPER.readValue(state.getMetaJson(), LinkedHashMap.class);
        MerchantApi.Session session = MerchantApi.Session.of(SessionView.of(state),
                settings.publicUrl() + "/pay.php?session=" + state.getSessionId(), meta);
        return HttpResponse.ok(new MerchantApi.Status(true, session));
    }

    @Post("/cancel.php")
    @Consumes(MediaType.ALL)
    @Operation(summary = "Cancel an open session")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MerchantApi.SessionRef.class)))
    HttpResponse<MerchantApi.Changed> cancel(@Parameter(hidden = true) Merchant merchant,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        SessionState state = OwnSessions.of(sessionReads, merchant, Json.object(body), settings.sessionWait());
        CommandResult result = commandBus.sendOrUnavailable(commands.of("cancel-" + UUID.randomUUID(), state.getSessionId(), merchant.getMerchantId(),
                "merchant-api", new CancelSession("cancelled by the merchant")));
        return switch (result.getOutcome()) {
            case APPLIED, DUPLICATE -> HttpResponse.ok(new MerchantApi.Changed(true, state.getSessionId(), SessionView.status(result.getStatus())));
            default -> throw ApiError.refused(result);
        };
    }


}
