package dev.kassa.gateway;

import dev.kassa.model.ErrorCode;

import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.model.SessionView;

import com.fasterxml.jackson.databind.JsonNode;
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

/** The seed-compatible merchant API: create a checkout session, read its status. */
@Controller("/gateway")
@ExecuteOn(TaskExecutors.BLOCKING)
class SessionController {

    private final KafkaBackend kafka;
    private final Routing routing;
    private final Refunds refunds;
    private final GatewaySettings settings;
    private final RateLimiter limiter;

    SessionController(KafkaBackend kafka, GatewaySettings settings, Routing routing, Refunds refunds) {
        this.kafka = kafka;
        this.refunds = refunds;
        this.routing = routing;
        this.settings = settings;
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.rateBurst());
    }

    @Post("/session.php")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> create(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                             @Header(value = "Idempotency-Key", defaultValue = "") String idempotencyKey,
                                             @io.micronaut.core.annotation.Nullable @Body String body) throws Exception {
        Merchant merchant = authenticate(authorization, apiKey);
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
        Instant now = Instant.now();
        boolean idempotent = !idempotencyKey.isEmpty();
        for (int draw = 0; draw < 3; draw++) {
            // With an Idempotency-Key the session id and command id follow from it: a retry, even a concurrent one,
            // is the same command, which the aggregate applies once.
            long sessionId = idempotent ? Secrets.idFor(merchant.getMerchantId(), idempotencyKey) : Secrets.id();
            SessionCommand command = SessionCommand.newBuilder()
                    .setCommandId(idempotent ? "create-idem-" + Secrets.sha256(merchant.getMerchantId() + "\n" + idempotencyKey)
                            : "create-" + UUID.randomUUID())
                    .setSessionId(sessionId)
                    .setMerchantId(merchant.getMerchantId())
                    .setIssuedAt(now)
                    .setActor("merchant-api")
                    .setPayload(CreateSession.newBuilder()
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
                            .build())
                    .build();
            CommandResult result = sendOrUnavailable(command);
            if (result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE) {
                Instant expiresAt = now.plusSeconds(merchant.getSessionTtlSeconds());
                if (result.getOutcome() == CommandOutcome.DUPLICATE) {
                    SessionState first = kafka.session(sessionId, 1, Duration.ofSeconds(2));
                    if (first != null) {
                        expiresAt = first.getExpiresAt(); // the first answer's, not this retry's
                    }
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("ok", true);
                answer.put("session_id", sessionId);
                answer.put("checkout_url", settings.publicUrl() + "/pay.php?session=" + sessionId);
                if (result.getOutcome() == CommandOutcome.APPLIED && (hint != null || route.chosen() != null)) {
                    routing.record(merchant, sessionId, normalizedHint, amountMinor, currency, null, route, "at session create; " + route.reason());
                }
                answer.put("direct_url", routing.directUrl(sessionId, route));
                answer.put("selected_provider", route.chosen());
                answer.put("smart_route", smart);
                answer.put("expires_at", SeedTime.format(expiresAt));
                return HttpResponse.ok(answer);
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
    HttpResponse<Map<String, Object>> status(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                             @QueryValue(value = "session_id", defaultValue = "") String sessionId) throws Exception {
        return sessionStatus(authorization, apiKey, sessionId, "", "");
    }

    @Get("/session_status.php")
    HttpResponse<Map<String, Object>> sessionStatus(@Header(value = "Authorization", defaultValue = "") String authorization,
                                                    @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                                    @QueryValue(value = "session_id", defaultValue = "") String sessionId,
                                                    @QueryValue(value = "order_id", defaultValue = "") String orderId,
                                                    @QueryValue(value = "number", defaultValue = "") String number) throws Exception {
        Merchant merchant = authenticate(authorization, apiKey);
        SessionState state;
        if (!orderId.isEmpty()) {
            state = kafka.sessionByOrder(merchant.getMerchantId(), orderId);
        } else {
            String raw = !sessionId.isEmpty() ? sessionId : number.startsWith("session_") ? number.substring("session_".length()) : number;
            if (raw.isEmpty()) {
                throw new ApiError(ErrorCode.MISSING_FIELD, "'session_id' (or 'order_id', or 'number=session_ID') is required");
            }
            long id;
            try {
                id = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + raw + "'");
            }
            // Read-your-writes: a session created a moment ago may still be on its way to this replica.
            state = kafka.session(id, 1, Duration.ofSeconds(1));
        }
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        SessionView view = SessionView.of(state);
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", view.sessionId());
        session.put("order_id", view.orderId());
        session.put("status", view.status());
        session.put("amount", view.amount());
        session.put("currency", view.currency());
        // What the provider reported as received, beside what was asked (SPEC.md, Money integrity).
        session.put("paid_amount", view.paidAmount());
        if (view.paidCurrency() != null) {
            session.put("paid_currency", view.paidCurrency());
        }
        session.put("refunded_amount", view.refundedAmount());
        session.put("review_reason", view.reviewReason());
        session.put("shop_domain", view.shopDomain());
        session.put("created_at", view.createdAt());
        session.put("expires_at", view.expiresAt());
        session.put("payment_url", settings.publicUrl() + "/pay.php?session=" + view.sessionId());
        session.putAll(view.references());
        session.put("last_error", view.lastError());
        session.put("meta", Json.MAPPER.readTree(state.getMetaJson()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("session", session);
        return HttpResponse.ok(answer);
    }

    @Get("/me.php")
    HttpResponse<Map<String, Object>> me(@Header(value = "Authorization", defaultValue = "") String authorization,
                                         @Header(value = "X-API-Key", defaultValue = "") String apiKey) {
        Merchant merchant = authenticate(authorization, apiKey);
        boolean allowed = merchant.getPackage$() != MerchantPackage.FREE;
        boolean effective = allowed && merchant.getCheckoutMode() == CheckoutMode.SMART_ROUTER;
        Map<String, Object> methods = new LinkedHashMap<>();
        // The same policy as the router: "available" for a typical buyer of this merchant (its own country, a
        // mid-size amount in EUR); the hosted page decides per buyer.
        var states = routing.methods(merchant, 5000, "EUR", merchant.getCountry());
        for (Method method : List.of(Method.CARD, Method.PAYPAL, Method.REVOLUT, Method.BANK, Method.IDEAL, Method.OTHER)) {
            var state = states.get(method);
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("enabled", state.enabled());
            shown.put("configured", state.configured());
            shown.put("available", effective && state.available());
            methods.put(method.slug(), shown);
        }
        Map<String, Object> router = new LinkedHashMap<>();
        router.put("enabled_global", true);
        router.put("allowed_for_package", allowed);
        router.put("effective", effective);
        router.put("methods", methods);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchant.getMerchantId());
        answer.put("email", merchant.getEmail());
        answer.put("package", merchant.getPackage$().name().toLowerCase(Locale.ROOT));
        answer.put("checkout_mode", merchant.getCheckoutMode().name().toLowerCase(Locale.ROOT));
        answer.put("integration_mode", effective ? "smart_router" : "hosted_checkout");
        answer.put("country", merchant.getCountry());
        answer.put("smart_router", router);
        return HttpResponse.ok(answer);
    }

    @Post("/cancel.php")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> cancel(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                             @io.micronaut.core.annotation.Nullable @Body String body) throws Exception {
        Merchant merchant = authenticate(authorization, apiKey);
        SessionState state = ownSession(merchant, Json.object(body));
        CommandResult result = sendOrUnavailable(SessionCommand.newBuilder()
                .setCommandId("cancel-" + UUID.randomUUID()).setSessionId(state.getSessionId()).setMerchantId(merchant.getMerchantId())
                .setIssuedAt(Instant.now()).setActor("merchant-api")
                .setPayload(new dev.kassa.schemas.avro.CancelSession("cancelled by the merchant")).build());
        return outcome(result, state, Map.of());
    }

    /**
     * Refunds all ({@code amount} absent) or part of a paid session. {@code Idempotency-Key} (or {@code refund_id} in the
     * body) names the refund: a retry is the same refund and gets the same answer. Reserved by the aggregate, executed
     * by the provider that took the payment, confirmed or refused as events ({@link Refunds}).
     */
    @Post("/refund.php")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> refund(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                             @Header(value = "Idempotency-Key", defaultValue = "") String idempotencyKey,
                                             @io.micronaut.core.annotation.Nullable @Body String body) throws Exception {
        Merchant merchant = authenticate(authorization, apiKey);
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
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", !result.refused());
        if (result.refused()) {
            answer.put("error", ErrorCode.REFUND_REFUSED.code());
            answer.put("message", "the provider " + after.getProvider() + " refused the refund"
                    + (result.refund().getReason() == null ? "" : ": " + result.refund().getReason()) + "; nothing was refunded");
        }
        answer.put("session_id", after.getSessionId());
        answer.put("status", after.getStatus().name().toLowerCase(Locale.ROOT));
        answer.put("refund_id", key != null ? key : refundId);
        answer.put("refund_status", result.refused() ? "refused" : "refunded");
        answer.put("amount", Money.toDecimal(result.refund().getAmountMinor(), after.getCurrency()));
        answer.put("refunded_amount", Money.toDecimal(after.getRefundedMinor(), after.getCurrency()));
        answer.put("provider_refund_id", result.refund().getProviderRefundId());
        return HttpResponse.status(result.refused() ? HttpStatus.BAD_GATEWAY : HttpStatus.OK).body(answer);
    }

    private SessionState ownSession(Merchant merchant, JsonNode json) throws InterruptedException {
        String raw = Json.text(json, "session_id");
        if (raw == null || raw.isBlank()) {
            throw ApiError.missingField("session_id");
        }
        long id;
        try {
            id = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + raw + "'");
        }
        SessionState state = kafka.session(id, 1, Duration.ofSeconds(1));
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no such session for this merchant");
        }
        return state;
    }

    private static HttpResponse<Map<String, Object>> outcome(CommandResult result, SessionState before, Map<String, Object> extra) {
        switch (result.getOutcome()) {
            case APPLIED, DUPLICATE -> {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("ok", true);
                answer.put("session_id", before.getSessionId());
                answer.put("status", result.getStatus() == null ? null : result.getStatus().name().toLowerCase(Locale.ROOT));
                answer.putAll(extra);
                return HttpResponse.ok(answer);
            }
            default -> throw ApiError.refused(result);
        }
    }

    private CommandResult sendOrUnavailable(SessionCommand command) throws InterruptedException {
        return kafka.sendOrUnavailable(command);
    }

    /** The authenticated (and rate-limited) merchant, for other merchant endpoints. */
    Merchant merchantFor(String authorization, String apiKey) {
        return authenticate(authorization, apiKey);
    }

    private Merchant authenticate(String authorization, String apiKey) {
        String key = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : apiKey.trim();
        if (key.isEmpty()) {
            throw new ApiError(ErrorCode.MISSING_API_KEY, "send 'Authorization: Bearer YOUR_API_KEY' or 'X-API-Key: YOUR_API_KEY'");
        }
        // Looked up by hash: the key itself is never stored, and the lookup takes the same time for any wrong key.
        String hash = Secrets.hash(key);
        long wait = limiter.acquire(hash, System.nanoTime());
        if (wait > 0) {
            throw new RateLimited(wait);
        }
        Merchant merchant = kafka.merchantByKeyHash(hash);
        if (merchant == null) {
            throw new ApiError(ErrorCode.INVALID_API_KEY, "this API key is not known");
        }
        if (merchant.getDisabled()) {
            throw new ApiError(ErrorCode.MERCHANT_DISABLED, "this merchant is disabled");
        }
        return merchant;
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
