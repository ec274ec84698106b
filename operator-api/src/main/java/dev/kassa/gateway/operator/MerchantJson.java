package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.accounts.CheckoutProfile;
import dev.kassa.gateway.accounts.KeyRotation;
import dev.kassa.gateway.accounts.MerchantChanges;
import dev.kassa.gateway.accounts.MerchantPatch;
import dev.kassa.gateway.accounts.MerchantSpec;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.CollectJson;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.MerchantPackage;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator API's JSON, mapped to merchant-admin's typed commands: each field's JSON shape is checked here (a
 * number where a number goes, text where text goes), with the same error code its value's check has; the values
 * themselves (ranges, domains, URLs, wallets) are checked by {@link MerchantChanges}.
 */
final class MerchantJson {

    private MerchantJson() {
    }

    /** {@code POST /admin/merchants}: email and domains required; what is absent or null takes its default. */
    static MerchantSpec spec(JsonNode json) {
        return new MerchantSpec(Json.text(json, "email"), domainTexts(json),
                enumOf(MerchantPackage.class, Json.text(json, "package"), null, ErrorCode.INVALID_PACKAGE, "free, pro or unlimited"),
                enumOf(CheckoutMode.class, Json.text(json, "checkout_mode"), null, ErrorCode.INVALID_CHECKOUT_MODE,
                        "hosted_checkout or smart_router"),
                Json.text(json, "country"), Json.text(json, "webhook_url"),
                wholeOrNull(json, ErrorCode.INVALID_SESSION_TTL_SECONDS, MerchantPatch.MIN_SESSION_TTL_SECONDS, MerchantPatch.MAX_SESSION_TTL_SECONDS),
                wholeOrNull(json, ErrorCode.INVALID_GRACE_SECONDS, MerchantPatch.MIN_GRACE_SECONDS, MerchantPatch.MAX_GRACE_SECONDS),
                rateLimit(json),
                json.has("routing_allow") ? strings(json, ErrorCode.INVALID_ROUTING_ALLOW) : null,
                json.has("routing_block") ? strings(json, ErrorCode.INVALID_ROUTING_BLOCK) : null,
                wallet(json.get("payout_wallet")), cryptoEnabled(json),
                new CheckoutProfile(profileText(json, ErrorCode.INVALID_DISPLAY_NAME), profileText(json, ErrorCode.INVALID_SUPPORT_EMAIL),
                        profileText(json, ErrorCode.INVALID_SUPPORT_URL)));
    }

    /** {@code PATCH /admin/merchants/{id}}: the fields present are the fields changed. */
    static MerchantPatch patch(JsonNode json) {
        MerchantPatch.Builder patch = MerchantPatch.builder();
        if (json.has("webhook_url")) {
            patch.webhookUrl(Json.text(json, "webhook_url"));
        }
        patch.rotateWebhookSecret(json.path("rotate_webhook_secret").asBoolean(false));
        patch.reenableWebhook(json.path("webhook_enabled").asBoolean(false));
        if (json.has("disabled")) {
            patch.disabled(json.get("disabled").asBoolean());
        }
        if (json.has("session_ttl_seconds") && !json.get("session_ttl_seconds").isNull()) {
            patch.sessionTtlSeconds(whole(json, ErrorCode.INVALID_SESSION_TTL_SECONDS, MerchantPatch.MIN_SESSION_TTL_SECONDS,
                    MerchantPatch.MAX_SESSION_TTL_SECONDS));
        }
        if (json.has("webhook_retry_schedule")) {
            JsonNode schedule = json.get("webhook_retry_schedule");
            patch.retrySchedule(schedule.isNull() ? null : schedule.isTextual() ? schedule.asText() : "");
        }
        if (json.has("rate_limit_per_second")) {
            patch.rateLimitPerSecond(rateLimit(json));
        }
        if (json.has("grace_seconds") && !json.get("grace_seconds").isNull()) {
            patch.graceSeconds(whole(json, ErrorCode.INVALID_GRACE_SECONDS, MerchantPatch.MIN_GRACE_SECONDS, MerchantPatch.MAX_GRACE_SECONDS));
        }
        if (json.has("package")) {
            patch.merchantPackage(enumOf(MerchantPackage.class, Json.text(json, "package"), null, ErrorCode.INVALID_PACKAGE,
                    "free, pro or unlimited"));
        }
        if (json.has("checkout_mode")) {
            patch.checkoutMode(enumOf(CheckoutMode.class, Json.text(json, "checkout_mode"), null, ErrorCode.INVALID_CHECKOUT_MODE,
                    "hosted_checkout or smart_router"));
        }
        if (json.has("late_payment_policy")) {
            patch.latePaymentPolicy(enumOf(LatePaymentPolicy.class, Json.text(json, "late_payment_policy"), null,
                    ErrorCode.INVALID_LATE_PAYMENT_POLICY, "review or auto_refund"));
        }
        if (json.has("domains")) {
            patch.domains(domainTexts(json));
        }
        if (json.has("routing_allow")) {
            patch.routingAllow(strings(json, ErrorCode.INVALID_ROUTING_ALLOW));
        }
        if (json.has("routing_block")) {
            patch.routingBlock(strings(json, ErrorCode.INVALID_ROUTING_BLOCK));
        }
        if (json.has("payout_wallet")) {
            patch.payoutWallet(wallet(json.get("payout_wallet")));
        }
        if (json.has("crypto_enabled")) {
            patch.cryptoEnabled(cryptoEnabled(json));
        }
        if (json.has("display_name")) {
            patch.displayName(profileText(json, ErrorCode.INVALID_DISPLAY_NAME));
        }
        if (json.has("support_email")) {
            patch.supportEmail(profileText(json, ErrorCode.INVALID_SUPPORT_EMAIL));
        }
        if (json.has("support_url")) {
            patch.supportUrl(profileText(json, ErrorCode.INVALID_SUPPORT_URL));
        }
        if (json.has("collect_defaults")) {
            patch.collectDefaults(CollectJson.of(json.get("collect_defaults"), ErrorCode.INVALID_COLLECT_DEFAULTS));
        }
        return patch.build();
    }

    /** {@code POST /admin/merchants/{id}/api-keys}: an empty body is the default overlap. */
    static KeyRotation keyRotation(JsonNode json) {
        JsonNode overlap = json.get("previous_key_expires_in_seconds");
        if (overlap == null || overlap.isNull()) {
            return new KeyRotation(null);
        }
        if (!overlap.isIntegralNumber() || !overlap.canConvertToLong()) {
            throw MerchantChanges.invalidOverlap();
        }
        return new KeyRotation(overlap.asLong());
    }

    private static List<String> domainTexts(JsonNode json) {
        JsonNode list = json.get("domains");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ApiError(ErrorCode.MISSING_FIELD, "'domains' is required: a list of the merchant's shop domains");
        }
        List<String> domains = new ArrayList<>();
        list.forEach(d -> domains.add(d.asText()));
        return domains;
    }

    /** A list of methods or provider slugs. */
    static List<String> strings(JsonNode json, ErrorCode invalid) {
        String field = invalid.field();
        if (!json.get(field).isArray()) {
            throw new ApiError(invalid, "'" + field + "' must be a list of methods or provider slugs");
        }
        List<String> values = new ArrayList<>();
        json.get(field).forEach(v -> values.add(v.asText()));
        return MerchantChanges.slugs(values);
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String value, E fallback, ErrorCode invalid, String allowed) {
        return value == null ? fallback : MerchantChanges.choice(type, value, invalid, allowed);
    }

    /** The field's whole number, or null when it is absent or null; refused when not a whole number in range. */
    private static Integer wholeOrNull(JsonNode json, ErrorCode invalid, int min, int max) {
        JsonNode value = json.get(invalid.field());
        return value == null || value.isNull() ? null : whole(json, invalid, min, max);
    }

    private static int whole(JsonNode json, ErrorCode invalid, int min, int max) {
        JsonNode value = json.get(invalid.field());
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw MerchantChanges.outOfRange(invalid, min, max);
        }
        return MerchantChanges.within(value.asInt(), invalid, min, max);
    }

    /** {@code rate_limit_per_second}: 1 to 10,000 requests a second per gateway; null (or absent): the default. */
    static Integer rateLimit(JsonNode json) {
        JsonNode value = json.get("rate_limit_per_second");
        return value == null || value.isNull() ? null : whole(json, ErrorCode.INVALID_RATE_LIMIT_PER_SECOND,
                MerchantPatch.MIN_RATE_LIMIT_PER_SECOND, MerchantPatch.MAX_RATE_LIMIT_PER_SECOND);
    }

    private static MerchantPatch.Wallet wallet(JsonNode json) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isObject()) {
            throw new ApiError(ErrorCode.INVALID_MERCHANT_PAYOUT_WALLET,
                    "'payout_wallet' must be an object: {\"network\": \"polygon\", \"asset\": \"USDC\", \"address\": \"0x...\"}");
        }
        return new MerchantPatch.Wallet(walletText(json, "network"), walletText(json, "asset"), walletText(json, "address"));
    }

    private static String walletText(JsonNode wallet, String field) {
        JsonNode v = wallet.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new ApiError(ErrorCode.INVALID_MERCHANT_PAYOUT_WALLET, "'payout_wallet." + field + "' must be text");
        }
        return v.asText();
    }

    /** A profile field: text or null (absent: null); anything else is refused with the field's code. */
    private static String profileText(JsonNode json, ErrorCode invalid) {
        JsonNode value = json.get(invalid.field());
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiError(invalid, "'" + invalid.field() + "' must be text (or null to remove it)");
        }
        return value.asText();
    }

    /** {@code crypto_enabled}: true or false (null: false). */
    static boolean cryptoEnabled(JsonNode json) {
        JsonNode value = json.get("crypto_enabled");
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new ApiError(ErrorCode.INVALID_CRYPTO_ENABLED, "'crypto_enabled' must be true or false");
        }
        return value.asBoolean();
    }
}
