package dev.kassa.gateway;

import dev.kassa.model.ErrorCode;

import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.model.SessionView;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.schemas.avro.CancelSession;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.List;
import dev.kassa.router.Method;
import dev.kassa.router.RouteDecision;

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

    private final KafkaBackend kafka;
    private final Routing routing;
    private final Refunds refunds;
    private final GatewaySettings settings;
    private final SessionCommands commands;

    SessionController(KafkaBackend kafka, GatewaySettings settings, Routing routing, Refunds refunds, SessionCommands commands) {
        this.kafka = kafka;
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
        JsonNode json = Json.object(body);
        String domainRaw = require(json, "domain");
        String domain = Domains.normalize(domainRaw).orElseThrow(() ->
                new ApiError(ErrorCode.INVALID_DOMAIN, "'domain' must be a host such as yourshop.com or a URL"));
        if (!merchant.getDomains().contains(domain)) {
            throw new ApiError(ErrorCode.DOMAIN_NOT_ALLOWED, "'" + domain + "' is not one of this merchant's approved domains");
        }
        String currency;
        long amountMinor;
        try {
            currency = Money.currency(require(json, "currency"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_CURRENCY, e.getMessage());
        }
        try {
            amountMinor = Money.toMinor(require(json, "amount"), currency);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_AMOUNT, e.getMessage());
        }
        String orderId = Json.text(json, "order_id") != null ? Json.text(json, "order_id") : Json.text(json, "merchant_ref");
        if (orderId == null || orderId.isBlank()) {
            throw new ApiError(ErrorCode.MISSING_FIELD, "'order_id' (or 'merchant_ref') is required");
        }
        String email = Json.text(json, "customer_email");
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ApiError(ErrorCode.INVALID_EMAIL, "'customer_email' is not an e-mail address");
        }
        JsonNode meta = json.get("meta");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw new ApiError(ErrorCode.INVALID_META, "'meta' must be a JSON object");
        }
        String hint = firstOf(json, "method", "provider", "payment_method", "payment_provider");
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
                            .setOrderId(orderId).setAmountMinor(amountMinor).setCurrency(currency).setShopDomain(domain)
                            .setCustomerEmail(email)
                            .setReturnUrl(httpsOrNull(Json.text(json, "return_url")))
                            .setCancelUrl(httpsOrNull(Json.text(json, "cancel_url")))
                            .setMetaJson(meta == null || meta.isNull() ? "{}" : meta.toString())
                            .setExpiresAt(now.plusSeconds(merchant.getSessionTtlSeconds()))
                            .setGraceSeconds(merchant.getGraceSeconds())
                            .setLatePaymentPolicy(merchant.getLatePaymentPolicy())
                            .setMethodHint(smart && methodHint ? normalizedHint : null)
                            .setProviderHint(smart && !methodHint ? normalizedHint : null)
                            .setSelectedProvider(route.chosen())
                            .build());
            CommandResult result = kafka.sendOrUnavailable(command);
            if (result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE) {
                Instant expiresAt = now.plusSeconds(merchant.getSessionTtlSeconds());
                if (result.getOutcome() == CommandOutcome.DUPLICATE) {
                    SessionState first = kafka.session(sessionId, 1, Duration.ofSeconds(2));
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
            state = kafka.sessionByOrder(merchant.getMerchantId(), orderId);
        } else {
            String raw = !sessionId.isEmpty() ? sessionId : number.startsWith("session_") ? number.substring("session_".length()) : number;
            if (raw.isEmpty()) {
                throw new ApiError(ErrorCode.MISSING_FIELD, "'session_id' (or 'order_id', or 'number=session_ID') is required");
            }
            // Read-your-writes: a session created a moment ago may still be on its way to this replica.
            state = kafka.session(SessionIds.parse(raw), 1, Duration.ofSeconds(1));
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

    @Get("/me.php")
    @Operation(summary = "The merchant's profile and smart-router settings (seed 003)")
    HttpResponse<MerchantApi.Me> me(@Parameter(hidden = true) Merchant merchant) {
        boolean allowed = merchant.getPackage$() != MerchantPackage.FREE;
        boolean effective = allowed && merchant.getCheckoutMode() == CheckoutMode.SMART_ROUTER;
        Map<String, MerchantApi.MethodState> methods = new LinkedHashMap<>();
        // The same policy as the router: "available" for a typical buyer of this merchant (its own country, a
        // mid-size amount in EUR); the hosted page decides per buyer.
        var states = routing.methods(merchant, 5000, "EUR", merchant.getCountry());
        for (Method method : List.of(Method.CARD, Method.PAYPAL, Method.REVOLUT, Method.BANK, Method.IDEAL, Method.OTHER)) {
            var state = states.get(method);
            methods.put(method.slug(), new MerchantApi.MethodState(state.enabled(), state.configured(), effective && state.available()));
        }
        return HttpResponse.ok(new MerchantApi.Me(true, merchant.getMerchantId(), merchant.getEmail(),
                merchant.getPackage$().name().toLowerCase(Locale.ROOT), merchant.getCheckoutMode().name().toLowerCase(Locale.ROOT),
                effective ? "smart_router" : "hosted_checkout", merchant.getCountry(),
                new MerchantApi.SmartRouter(true, allowed, effective, methods)));
    }

    @Post("/cancel.php")
    @Consumes(MediaType.ALL)
    @Operation(summary = "Cancel an open session")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MerchantApi.SessionRef.class)))
    HttpResponse<MerchantApi.Changed> cancel(@Parameter(hidden = true) Merchant merchant,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        SessionState state = ownSession(merchant, Json.object(body));
        CommandResult result = kafka.sendOrUnavailable(commands.of("cancel-" + UUID.randomUUID(), state.getSessionId(), merchant.getMerchantId(),
                "merchant-api", new CancelSession("cancelled by the merchant")));
        return switch (result.getOutcome()) {
            case APPLIED, DUPLICATE -> HttpResponse.ok(new MerchantApi.Changed(true, state.getSessionId(), SessionView.status(result.getStatus())));
            default -> throw ApiError.refused(result);
        };
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
        SessionState state = ownSession(merchant, json);
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
        Refunds.Result result = refunds.refund(state, refundId, amount, Json.text(json, "reason"), "merchant-api");
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

    private SessionState ownSession(Merchant merchant, JsonNode json) throws InterruptedException {
        String raw = Json.text(json, "session_id");
        if (raw == null || raw.isBlank()) {
            throw ApiError.missingField("session_id");
        }
        long id = SessionIds.parse(raw);
        SessionState state = kafka.session(id, 1, Duration.ofSeconds(1));
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        return state;
    }

    private static String require(JsonNode json, String field) {
        String value = Json.text(json, field);
        if (value == null || value.isBlank()) {
            throw ApiError.missingField(field);
        }
        return value;
    }

    private static String firstOf(JsonNode json, String... fields) {
        for (String field : fields) {
            String value = Json.text(json, field);
            if (value != null && !value.isBlank()) {
                return value.trim().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    private static String httpsOrNull(String url) {
        return url != null && url.toLowerCase(Locale.ROOT).startsWith("https://") && url.length() > "https://".length() ? url : null;
    }
}
