package dev.kassa.gateway.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.MerchantRecords;
import dev.kassa.gateway.payments.PayoutWallets;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Domains;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.RetrySchedule;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A change of a merchant's record, checked field by field: what {@code PATCH /admin/merchants/{id}} does, and what the
 * merchant's dashboard settings do with the fields a merchant may change (the dashboard never passes the others).
 */
@Singleton
public final class MerchantChanges {

    private final MerchantRecords records;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final SecretKeyring keyring;

    MerchantChanges(MerchantRecords records, GatewaySettings settings, SessionCommands commands,
                    SecretKeyring keyring) {
        this.records = records;
        this.settings = settings;
        this.commands = commands;
        this.keyring = keyring;
    }

    /** The longest overlap of an old key with its successor: 30 days. */
    static final long MAX_KEY_OVERLAP_SECONDS = 30L * 86_400;

    /**
     * A new API key for the merchant, shown once (in the answer); the previous one keeps working for
     * {@code previous_key_expires_in_seconds} (default 86,400; 0 revokes it at once), then leaves every gateway's index.
     * Only the current and the one previous key ever work: a second rotation ends the first overlap.
     */
    public Map<String, Object> rotateKey(long merchantId, JsonNode json) throws Exception {
        return records.changeMerchant(merchantId, () -> rotateKeyNow(merchantId, json));
    }

    private Map<String, Object> rotateKeyNow(long merchantId, JsonNode json) throws Exception {
        Merchant current = records.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        JsonNode overlap = json.get("previous_key_expires_in_seconds");
        if (overlap != null && !overlap.isNull() && (!overlap.isIntegralNumber() || !overlap.canConvertToLong() || overlap.asLong() < 0 || overlap.asLong() > MAX_KEY_OVERLAP_SECONDS)) {
            throw new ApiError(ErrorCode.INVALID_PREVIOUS_KEY_EXPIRES_IN_SECONDS,
                    "'previous_key_expires_in_seconds' must be a whole number from 0 to " + MAX_KEY_OVERLAP_SECONDS);
        }
        long seconds = overlap == null || overlap.isNull() ? 86_400 : overlap.asLong();
        Instant now = commands.now();
        String apiKey = Secrets.apiKey();
        Merchant next = Merchant.newBuilder(current).setUpdatedAt(now).setApiKeyHash(Secrets.hash(apiKey))
                .setPreviousApiKeyHash(seconds == 0 ? null : current.getApiKeyHash())
                .setPreviousApiKeyUntil(seconds == 0 ? null : now.plusSeconds(seconds)).build();
        if (records.putMerchant(next, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the new key was written but is not readable yet; retry the read");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchantId);
        answer.put("api_key", apiKey);
        answer.put("previous_key_expires_at", seconds == 0 ? null : now.plusSeconds(seconds).toString());
        return answer;
    }

    /**
     * Applies the fields present in {@code json} (webhook URL, null removes it; secret rotation; re-enabling; disable;
     * ttl; grace; package; checkout mode; late-payment policy; domains; routing lists; retry schedule; rate limit; payout
     * wallet and crypto checkout, which needs a wallet) and
     * answers as the operator API does; a bad field is an {@link ApiError} and nothing is written.
     */
    public Map<String, Object> change(long merchantId, JsonNode json) throws Exception {
        return records.changeMerchant(merchantId, () -> changeNow(merchantId, json));
    }

    private Map<String, Object> changeNow(long merchantId, JsonNode json) throws Exception {
        Merchant current = records.merchantRecord(merchantId);
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
                    .setWebhookSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, merchantId), newSecret));
        }
        if (json.path("webhook_enabled").asBoolean(false)) {
            next.setWebhookDisabledReason(null).setWebhookEnabledAt(now);
        }
        if (json.has("disabled")) {
            next.setDisabled(json.get("disabled").asBoolean());
        }
        if (json.has("session_ttl_seconds")) {
            next.setSessionTtlSeconds(intIn(json, ErrorCode.INVALID_SESSION_TTL_SECONDS, current.getSessionTtlSeconds(), 1, 86_400));
        }
        if (json.has("webhook_retry_schedule")) {
            next.setWebhookRetrySchedule(retrySchedule(json.get("webhook_retry_schedule")));
        }
        if (json.has("rate_limit_per_second")) {
            next.setRateLimitPerSecond(rateLimit(json, current.getRateLimitPerSecond()));
        }
        if (json.has("grace_seconds")) {
            next.setGraceSeconds(intIn(json, ErrorCode.INVALID_GRACE_SECONDS, current.getGraceSeconds(), 0, 7 * 86_400));
        }
        if (json.has("package")) {
            next.setPackage$(enumOf(MerchantPackage.class, Json.text(json, "package"), current.getPackage$(), ErrorCode.INVALID_PACKAGE, "free, pro or unlimited"));
        }
        if (json.has("checkout_mode")) {
            next.setCheckoutMode(enumOf(CheckoutMode.class, Json.text(json, "checkout_mode"), current.getCheckoutMode(),
                    ErrorCode.INVALID_CHECKOUT_MODE, "hosted_checkout or smart_router"));
        }
        if (json.has("late_payment_policy")) {
            next.setLatePaymentPolicy(enumOf(LatePaymentPolicy.class, Json.text(json, "late_payment_policy"),
                    current.getLatePaymentPolicy(), ErrorCode.INVALID_LATE_PAYMENT_POLICY, "review or auto_refund"));
        }
        if (json.has("domains")) {
            next.setDomains(domains(json));
        }
        if (json.has("routing_allow")) {
            next.setRoutingAllow(strings(json, ErrorCode.INVALID_ROUTING_ALLOW));
        }
        if (json.has("routing_block")) {
            next.setRoutingBlock(strings(json, ErrorCode.INVALID_ROUTING_BLOCK));
        }
        if (json.has("payout_wallet")) {
            next.setPayoutWallet(PayoutWallets.parse(json.get("payout_wallet")));
        }
        if (json.has("crypto_enabled")) {
            next.setCryptoEnabled(cryptoEnabled(json));
        }
        if (next.getCryptoEnabled() && next.getPayoutWallet() == null) {
            throw new ApiError(ErrorCode.MISSING_MERCHANT_PAYOUT_WALLET,
                    "crypto checkout needs a payout wallet: set 'payout_wallet' with 'crypto_enabled' (or turn crypto off first)");
        }
        if (records.putMerchant(next.build(), Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry the read");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("merchant_id", merchantId);
        if (newSecret != null) {
            answer.put("webhook_secret", newSecret);
        }
        return answer;
    }

    /** {@code crypto_enabled}: true or false. */
    public static boolean cryptoEnabled(JsonNode json) {
        JsonNode value = json.get("crypto_enabled");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ApiError(ErrorCode.INVALID_CRYPTO_ENABLED, "'crypto_enabled' must be true or false");
        }
        return value.asBoolean();
    }

    /** A merchant's own retry schedule, checked as the relay will read it; null (JSON null) returns to the relay's. */
    static String retrySchedule(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String text = node.isTextual() ? node.asText().strip() : "";
        try {
            if (text.length() > 200 || RetrySchedule.parse(text).delays().size() > 20) {
                throw new IllegalArgumentException("at most 20 delays");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_RETRY_SCHEDULE, "'webhook_retry_schedule' " + (text.isEmpty() ? "is empty" : e.getMessage())
                    + "; write 1 to 20 delays such as \"5s,30s,2m,1h\"");
        }
        return text;
    }

    public String webhookUrl(String webhookUrl) {
        return webhookUrl == null ? null : WebhookUrls.check(webhookUrl, "webhook_url", settings.development());
    }

    public static List<String> domains(JsonNode json) {
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

    public static List<String> strings(JsonNode json, ErrorCode invalid) {
        String field = invalid.field();
        if (!json.get(field).isArray()) {
            throw new ApiError(invalid, "'" + field + "' must be a list of methods or provider slugs");
        }
        List<String> values = new ArrayList<>();
        json.get(field).forEach(v -> values.add(v.asText().trim().toLowerCase(Locale.ROOT)));
        return values;
    }

    public static <E extends Enum<E>> E enumOf(Class<E> type, String value, E fallback, ErrorCode invalid, String allowed) {
        if (value == null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiError(invalid, "'" + invalid.field() + "' must be " + allowed + ", not '" + value + "'");
        }
    }

    public static int intIn(JsonNode json, ErrorCode invalid, int fallback, int min, int max) {
        String field = invalid.field();
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < min || value.asInt() > max) {
            throw new ApiError(invalid, "'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }

    /** {@code rate_limit_per_second}: 1 to 10,000 requests a second per gateway (bursts of twice that); null: the default. */
    public static Integer rateLimit(JsonNode json, Integer fallback) {
        JsonNode value = json.get("rate_limit_per_second");
        if (value == null) {
            return fallback;
        }
        if (value.isNull()) {
            return null;
        }
        return intIn(json, ErrorCode.INVALID_RATE_LIMIT_PER_SECOND, 0, 1, 10_000);
    }
}
