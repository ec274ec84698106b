package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.Domains;
import dev.kassa.gateway.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.schemas.avro.Merchant;
import java.util.Locale;

/**
 * A create request, checked field by field with each field's error code (SPEC.md): the domain (normalized, one of the
 * merchant's), the currency (ISO 4217), the amount (minor units, at most the currency's digits), the order id (or
 * merchant_ref), the e-mail, meta (an object), the routing hint (the first of method, provider, payment_method,
 * payment_provider), and the return and cancel URLs (kept only when https, as the seed says).
 */
record NewSession(String domain, String currency, long amountMinor, String orderId, String customerEmail, String returnUrl,
                  String cancelUrl, String metaJson, String hint) {

    static NewSession parse(JsonNode json, Merchant merchant) {
        String domain = Domains.normalize(require(json, "domain")).orElseThrow(() ->
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
        return new NewSession(domain, currency, amountMinor, orderId, email, httpsOrNull(Json.text(json, "return_url")),
                httpsOrNull(Json.text(json, "cancel_url")), meta == null || meta.isNull() ? "{}" : meta.toString(),
                firstOf(json, "method", "provider", "payment_method", "payment_provider"));
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
