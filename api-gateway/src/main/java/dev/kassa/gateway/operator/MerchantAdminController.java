package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.Domains;
import dev.kassa.gateway.GatewaySettings;
import dev.kassa.gateway.Json;
import dev.kassa.gateway.Secrets;
import dev.kassa.gateway.SessionCommands;
import dev.kassa.gateway.kafka.KafkaBackend;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operator API: {@code POST /admin/merchants} creates a merchant and shows its API key and webhook secret once;
 * {@code PATCH /admin/merchants/{id}} changes one.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller("/admin/merchants")
@ExecuteOn(TaskExecutors.BLOCKING)
class MerchantAdminController {

    private final KafkaBackend kafka;
    private final GatewaySettings settings;

    private final SessionCommands commands;
    private final SecretKeyring keyring;

    MerchantAdminController(KafkaBackend kafka, GatewaySettings settings, SessionCommands commands, SecretKeyring keyring) {
        this.commands = commands;
        this.keyring = keyring;
        this.kafka = kafka;
        this.settings = settings;
    }

    @Post
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> create(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Nullable @Body String body) throws Exception {
        requireOperator(authorization);
        JsonNode json = Json.object(body);
        String email = Json.text(json, "email");
        if (email == null || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            throw email == null ? ApiError.missingField("email") : new ApiError(ErrorCode.INVALID_EMAIL, "'email' is not an e-mail address");
        }
        List<String> domains = domains(json);
        MerchantPackage pack = enumOf(MerchantPackage.class, Json.text(json, "package"), MerchantPackage.FREE, "package", "free, pro or unlimited");
        CheckoutMode mode = enumOf(CheckoutMode.class, Json.text(json, "checkout_mode"), CheckoutMode.HOSTED_CHECKOUT,
                "checkout_mode", "hosted_checkout or smart_router");
        int ttl = intIn(json, "session_ttl_seconds", 900, 1, 86_400);
        int grace = intIn(json, "grace_seconds", 1800, 0, 7 * 86_400);
        String webhookUrl = webhookUrl(Json.text(json, "webhook_url"));
        Instant now = commands.now();
        String apiKey = Secrets.apiKey();
        String webhookSecret = Secrets.webhookSecret();
        long merchantId = Secrets.id();
        Merchant merchant = Merchant.newBuilder()
                .setMerchantId(merchantId)
                .setEmail(email)
                .setApiKeyHash(Secrets.hash(apiKey))
                .setDomains(domains)
                .setPackage$(pack)
                .setCheckoutMode(mode)
                .setCountry(Json.text(json, "country") == null ? null : Json.text(json, "country").toUpperCase(Locale.ROOT))
                .setWebhookUrl(webhookUrl)
                .setWebhookEnabledAt(now)
                .setWebhookSecret(keyring.seal(merchantId, webhookSecret))
                .setSessionTtlSeconds(ttl)
                .setGraceSeconds(grace)
                .setRateLimitPerSecond(rateLimit(json, null))
                .setRoutingAllow(json.has("routing_allow") ? strings(json, "routing_allow") : List.of())
                .setRoutingBlock(json.has("routing_block") ? strings(json, "routing_block") : List.of())
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
        if (kafka.putMerchant(merchant, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the merchant was written but is not readable yet; retry the read");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchant.getMerchantId());
        answer.put("api_key", apiKey);
        answer.put("webhook_secret", webhookSecret);
        return HttpResponse.created(answer);
    }

    /** The longest overlap of an old key with its successor: 30 days. */
    private static final long MAX_KEY_OVERLAP_SECONDS = 30L * 86_400;

    /**
     * {@code POST /admin/merchants/{id}/api-keys} (SPEC.md, API keys): a new API key, shown once; the previous one keeps
     * working for {@code previous_key_expires_in_seconds} (default 86,400; 0 revokes it at once), then leaves every
     * gateway's index. Only the current and the one previous key ever work: a second rotation ends the first overlap.
     */
    @Post("/{merchantId}/api-keys")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> rotateKey(@Header(value = "Authorization", defaultValue = "") String authorization,
                                                long merchantId, @Nullable @Body String body) throws Exception {
        requireOperator(authorization);
        JsonNode json = body == null || body.isBlank() ? Json.MAPPER.createObjectNode() : Json.object(body);
        Merchant current = kafka.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        JsonNode overlap = json.get("previous_key_expires_in_seconds");
        if (overlap != null && !overlap.isNull() && (!overlap.canConvertToLong() || overlap.asLong() < 0 || overlap.asLong() > MAX_KEY_OVERLAP_SECONDS)) {
            throw new ApiError(ErrorCode.INVALID_PREVIOUS_KEY_EXPIRES_IN_SECONDS,
                    "'previous_key_expires_in_seconds' must be a whole number from 0 to " + MAX_KEY_OVERLAP_SECONDS);
        }
        long seconds = overlap == null || overlap.isNull() ? 86_400 : overlap.asLong();
        Instant now = commands.now();
        String apiKey = Secrets.apiKey();
        Merchant next = Merchant.newBuilder(current).setUpdatedAt(now).setApiKeyHash(Secrets.hash(apiKey))
                .setPreviousApiKeyHash(seconds == 0 ? null : current.getApiKeyHash())
                .setPreviousApiKeyUntil(seconds == 0 ? null : now.plusSeconds(seconds)).build();
        kafka.putMerchant(next, Duration.ofSeconds(10));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchantId);
        answer.put("api_key", apiKey);
        answer.put("previous_key_expires_at", seconds == 0 ? null : now.plusSeconds(seconds).toString());
        return HttpResponse.created(answer);
    }

    /**
     * {@code PATCH /admin/merchants/{id}}: webhook URL (null removes it), secret rotation (the old secret keeps
     * signing for 24 h; the new one is shown once), re-enabling a disabled endpoint, disable, ttl, grace,
     * package, checkout mode, late-payment policy, domains, routing allow/block lists.
     */
    @Patch("/{merchantId}")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> update(@Header(value = "Authorization", defaultValue = "") String authorization,
                                             long merchantId, @Nullable @Body String body) throws Exception {
        requireOperator(authorization);
        JsonNode json = Json.object(body);
        Merchant current = kafka.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        Instant now = commands.now();
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(now);
        String newSecret = null;
        if (json.has("webhook_url")) {
            // A new URL starts enabled: a relay's "disabled" fact about an older URL or time no longer applies.
            next.setWebhookUrl(webhookUrl(Json.text(json, "webhook_url"))).setWebhookEnabledAt(now).setWebhookDisabledReason(null);
        }
        if (json.path("rotate_webhook_secret").asBoolean(false)) {
            newSecret = Secrets.webhookSecret();
            next.setPreviousWebhookSecret(current.getWebhookSecret()).setPreviousSecretUntil(now.plus(Duration.ofHours(24)))
                    .setWebhookSecret(keyring.seal(merchantId, newSecret));
        }
        if (json.path("webhook_enabled").asBoolean(false)) {
            next.setWebhookDisabledReason(null).setWebhookEnabledAt(now);
        }
        if (json.has("disabled")) {
            next.setDisabled(json.get("disabled").asBoolean());
        }
        if (json.has("session_ttl_seconds")) {
            next.setSessionTtlSeconds(intIn(json, "session_ttl_seconds", current.getSessionTtlSeconds(), 1, 86_400));
        }
        if (json.has("webhook_retry_schedule")) {
            next.setWebhookRetrySchedule(retrySchedule(json.get("webhook_retry_schedule")));
        }
        if (json.has("rate_limit_per_second")) {
            next.setRateLimitPerSecond(rateLimit(json, current.getRateLimitPerSecond()));
        }
        if (json.has("grace_seconds")) {
            next.setGraceSeconds(intIn(json, "grace_seconds", current.getGraceSeconds(), 0, 7 * 86_400));
        }
        if (json.has("package")) {
            next.setPackage$(enumOf(MerchantPackage.class, Json.text(json, "package"), current.getPackage$(), "package", "free, pro or unlimited"));
        }
        if (json.has("checkout_mode")) {
            next.setCheckoutMode(enumOf(CheckoutMode.class, Json.text(json, "checkout_mode"), current.getCheckoutMode(),
                    "checkout_mode", "hosted_checkout or smart_router"));
        }
        if (json.has("late_payment_policy")) {
            next.setLatePaymentPolicy(enumOf(LatePaymentPolicy.class, Json.text(json, "late_payment_policy"),
                    current.getLatePaymentPolicy(), "late_payment_policy", "review or auto_refund"));
        }
        if (json.has("domains")) {
            next.setDomains(domains(json));
        }
        if (json.has("routing_allow")) {
            next.setRoutingAllow(strings(json, "routing_allow"));
        }
        if (json.has("routing_block")) {
            next.setRoutingBlock(strings(json, "routing_block"));
        }
        if (kafka.putMerchant(next.build(), Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry the read");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchantId);
        if (newSecret != null) {
            answer.put("webhook_secret", newSecret);
        }
        return HttpResponse.ok(answer);
    }

    /**
     * {@code POST /admin/merchants/reseal-secrets}: after a new key was put first in the keyring, every webhook secret
     * (and previous secret) not sealed with it is resealed: its data key is rewrapped, a clear one sealed. Run it until
     * {@code remaining} is 0, then the old key can leave the keyring (docs/SECURITY.md, "Rotating the keyring").
     */
    @Post("/reseal-secrets")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> resealSecrets(@Header(value = "Authorization", defaultValue = "") String authorization)
            throws Exception {
        requireOperator(authorization);
        if (!keyring.seals()) {
            throw new ApiError(ErrorCode.NO_KEYRING, "this gateway has no secrets keyring; start it with --secrets-keyring FILE");
        }
        int resealed = 0;
        List<Long> unreadable = new ArrayList<>();
        for (Merchant current : kafka.merchantRecords()) {
            if (keyring.sealedWithPrimary(current.getWebhookSecret()) && keyring.sealedWithPrimary(current.getPreviousWebhookSecret())) {
                continue;
            }
            long id = current.getMerchantId();
            try {
                Merchant next = Merchant.newBuilder(current).setUpdatedAt(commands.now())
                        .setWebhookSecret(keyring.reseal(id, current.getWebhookSecret()))
                        .setPreviousWebhookSecret(keyring.reseal(id, current.getPreviousWebhookSecret())).build();
                if (kafka.putMerchant(next, Duration.ofSeconds(10)) == null) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "merchant " + id + " was resealed but is not readable yet; run it again");
                }
                resealed++;
            } catch (SecretKeyring.UnreadableSecret e) {
                unreadable.add(id);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", unreadable.isEmpty());
        answer.put("key_id", keyring.primaryKeyId());
        answer.put("resealed", resealed);
        answer.put("unreadable_merchants", unreadable);
        return HttpResponse.ok(answer);
    }

    /** A merchant's own retry schedule, checked as the relay will read it; null (JSON null) returns to the relay's. */
    private static String retrySchedule(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.isTextual() ? node.asText().strip() : "";
        try {
            if (text.length() > 200 || dev.kassa.model.RetrySchedule.parse(text).delays().size() > 20) {
                throw new IllegalArgumentException("at most 20 delays");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_RETRY_SCHEDULE, "'webhook_retry_schedule' " + (text.isEmpty() ? "is empty" : e.getMessage())
                    + "; write 1 to 20 delays such as \"5s,30s,2m,1h\"");
        }
        return text;
    }

    private void requireOperator(String authorization) {
        Operators.require(settings, authorization);
    }

    private String webhookUrl(String webhookUrl) {
        return webhookUrl == null ? null : WebhookUrls.check(webhookUrl, "webhook_url", settings.development());
    }

    private static List<String> domains(JsonNode json) {
        if (json.get("domains") == null || !json.get("domains").isArray() || json.get("domains").isEmpty()) {
            throw new ApiError(ErrorCode.MISSING_FIELD, "'domains' is required: a list of the merchant's shop domains");
        }
        List<String> domains = new ArrayList<>();
        for (JsonNode d : json.get("domains")) {
            domains.add(Domains.normalize(d.asText()).orElseThrow(() ->
                    new ApiError(ErrorCode.INVALID_DOMAIN, "'" + d.asText() + "' is not a domain")));
        }
        return domains;
    }

    private static List<String> strings(JsonNode json, String field) {
        if (!json.get(field).isArray()) {
            throw new ApiError(ErrorCode.of("invalid_" + field), "'" + field + "' must be a list of methods or provider slugs");
        }
        List<String> values = new ArrayList<>();
        json.get(field).forEach(v -> values.add(v.asText().trim().toLowerCase(Locale.ROOT)));
        return values;
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String value, E fallback, String field, String allowed) {
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.of("invalid_" + field), "'" + field + "' must be " + allowed + ", not '" + value + "'");
        }
    }

    private static int intIn(JsonNode json, String field, int fallback, int min, int max) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw new ApiError(ErrorCode.of("invalid_" + field), "'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    /** {@code rate_limit_per_second}: 1 to 10,000 requests a second per gateway (bursts of twice that); null: the default. */
    private static Integer rateLimit(JsonNode json, Integer fallback) {
        JsonNode value = json.get("rate_limit_per_second");
        if (value == null) {
            return fallback;
        }
        if (value.isNull()) {
            return null;
        }
        return intIn(json, "rate_limit_per_second", 0, 1, 10_000);
    }
}
