package dev.kassa.gateway;

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
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/** The seed-compatible merchant API: create a checkout session, read its status. */
@Controller("/gateway")
@ExecuteOn(TaskExecutors.BLOCKING)
class SessionController {

    private static final DateTimeFormatter SEED_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaBackend kafka;
    private final GatewaySettings settings;

    SessionController(KafkaBackend kafka, GatewaySettings settings) {
        this.kafka = kafka;
        this.settings = settings;
    }

    @Post("/session.php")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> create(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Header(value = "X-API-Key", defaultValue = "") String apiKey,
                                             @Body String body) throws Exception {
        Merchant merchant = authenticate(authorization, apiKey);
        JsonNode json = Json.object(body);
        String domainRaw = require(json, "domain");
        String domain = Domains.normalize(domainRaw).orElseThrow(() ->
                new ApiError(HttpStatus.BAD_REQUEST, "invalid_domain", "'domain' must be a host such as yourshop.com or a URL"));
        if (!merchant.getDomains().contains(domain)) {
            throw new ApiError(HttpStatus.FORBIDDEN, "domain_not_allowed", "'" + domain + "' is not one of this merchant's approved domains");
        }
        String currency;
        long amountMinor;
        try {
            currency = Money.currency(require(json, "currency"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_currency", e.getMessage());
        }
        try {
            amountMinor = Money.toMinor(require(json, "amount"), currency);
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_amount", e.getMessage());
        }
        String orderId = Json.text(json, "order_id") != null ? Json.text(json, "order_id") : Json.text(json, "merchant_ref");
        if (orderId == null || orderId.isBlank()) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "missing_field", "'order_id' (or 'merchant_ref') is required");
        }
        String email = Json.text(json, "customer_email");
        if (email != null && !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_email", "'customer_email' is not an e-mail address");
        }
        JsonNode meta = json.get("meta");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_meta", "'meta' must be a JSON object");
        }
        String hint = firstOf(json, "method", "provider", "payment_method", "payment_provider");
        boolean smart = merchant.getPackage$() != MerchantPackage.FREE && merchant.getCheckoutMode() == CheckoutMode.SMART_ROUTER;
        Instant now = Instant.now();
        for (int draw = 0; draw < 3; draw++) {
            long sessionId = Secrets.id();
            SessionCommand command = SessionCommand.newBuilder()
                    .setCommandId("create-" + UUID.randomUUID())
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
                            .setMethodHint(smart ? hint : null)
                            .build())
                    .build();
            CommandResult result = sendOrUnavailable(command);
            if (result.getOutcome() == CommandOutcome.APPLIED) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("ok", true);
                answer.put("session_id", sessionId);
                answer.put("checkout_url", settings.publicUrl() + "/pay.php?session=" + sessionId);
                answer.put("direct_url", null);
                answer.put("selected_provider", null);
                answer.put("smart_route", smart);
                answer.put("expires_at", SEED_TIME.format(now.plusSeconds(merchant.getSessionTtlSeconds())));
                return HttpResponse.ok(answer);
            }
            if (!"session_exists".equals(result.getErrorCode())) {
                throw new ApiError(HttpStatus.CONFLICT, result.getErrorCode(), result.getMessage());
            }
            // A random id collided with an existing session: draw another.
        }
        throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "no free session id after 3 draws; retry");
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
                throw new ApiError(HttpStatus.BAD_REQUEST, "missing_field", "'session_id' (or 'order_id', or 'number=session_ID') is required");
            }
            long id;
            try {
                id = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new ApiError(HttpStatus.NOT_FOUND, "not_found", "no session '" + raw + "'");
            }
            // Read-your-writes: a session created a moment ago may still be on its way to this replica.
            state = kafka.session(id, 1, Duration.ofSeconds(2));
        }
        if (state == null || state.getMerchantId() != merchant.getMerchantId()) {
            throw new ApiError(HttpStatus.NOT_FOUND, "not_found", "no such session for this merchant");
        }
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", state.getSessionId());
        session.put("order_id", state.getOrderId());
        session.put("status", state.getStatus().name().toLowerCase(Locale.ROOT));
        session.put("amount", Money.toDecimal(state.getAmountMinor(), state.getCurrency()));
        session.put("currency", state.getCurrency());
        session.put("shop_domain", state.getShopDomain());
        session.put("created_at", SEED_TIME.format(state.getCreatedAt()));
        session.put("expires_at", SEED_TIME.format(state.getExpiresAt()));
        session.put("payment_url", settings.publicUrl() + "/pay.php?session=" + state.getSessionId());
        for (String ref : new String[] {"txid", "txid_in", "txid_out", "paid_value_coin", "paid_coin"}) {
            session.put(ref, state.getReferences().get(ref));
        }
        session.put("last_error", state.getLastError());
        session.put("meta", Json.MAPPER.readTree(state.getMetaJson()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("session", session);
        return HttpResponse.ok(answer);
    }

    private CommandResult sendOrUnavailable(SessionCommand command) throws InterruptedException {
        try {
            return kafka.send(command, COMMAND_TIMEOUT);
        } catch (TimeoutException e) {
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                    "the session aggregate did not answer within " + COMMAND_TIMEOUT.toSeconds() + " s; retry with the same Idempotency-Key");
        }
    }

    private Merchant authenticate(String authorization, String apiKey) {
        String key = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : apiKey.trim();
        if (key.isEmpty()) {
            throw new ApiError(HttpStatus.UNAUTHORIZED, "missing_api_key", "send 'Authorization: Bearer YOUR_API_KEY' or 'X-API-Key: YOUR_API_KEY'");
        }
        // Looked up by hash: the key itself is never stored, and the lookup takes the same time for any wrong key.
        Merchant merchant = kafka.merchantByKeyHash(Secrets.hash(key));
        if (merchant == null) {
            throw new ApiError(HttpStatus.UNAUTHORIZED, "invalid_api_key", "this API key is not known");
        }
        if (merchant.getDisabled()) {
            throw new ApiError(HttpStatus.FORBIDDEN, "merchant_disabled", "this merchant is disabled");
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
