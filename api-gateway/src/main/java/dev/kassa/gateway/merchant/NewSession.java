package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Domains;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.ShopUrls;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.observability.Redaction;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.CustomField;
import dev.kassa.schemas.avro.LineItem;
import dev.kassa.schemas.avro.Merchant;
import java.util.List;
import java.util.Locale;

/**
 * A create request, checked field by field with each field's error code (SPEC.md): the domain (normalized, one of the
 * merchant's), the currency (ISO 4217), the amount (minor units, at most the currency's digits), the order id (or
 * merchant_ref), the e-mail, meta (an object), what is sold (CheckoutLines), what the buyer is asked (CheckoutQuestions), the routing hint (the first of method, provider, payment_method,
 * payment_provider), and the return and cancel URLs (kept only when https on one of the merchant's domains or below one: ShopUrls).
 */
record NewSession(String domain, String currency, long amountMinor, String orderId, String customerEmail, String returnUrl,
                  String cancelUrl, String metaJson, String hint, String description, List<LineItem> lineItems, Collect collect,
                  List<CustomField> customFields) {

    /** SPEC.md, Limits: what a session keeps of a merchant's free text, and no more. */
    static final int MAX_ORDER_ID = 255;
    static final int MAX_URL = 2048;
    static final int MAX_EMAIL = 254;
    static final int MAX_META_BYTES = 8 * 1024;
    static final int MAX_META_KEYS = 50;
    static final int MAX_HINT = 64;

    static NewSession parse(JsonNode json, Merchant merchant) {
        limits(json);
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
        return new NewSession(domain, currency, amountMinor, orderId, email, ShopUrls.onDomains(Json.text(json, "return_url"), merchant.getDomains()),
                ShopUrls.onDomains(Json.text(json, "cancel_url"), merchant.getDomains()), meta == null || meta.isNull() ? "{}" : meta.toString(),
                firstOf(json, "method", "provider", "payment_method", "payment_provider"), CheckoutLines.description(json),
                CheckoutLines.lineItems(json, currency, amountMinor), CheckoutQuestions.collect(json, merchant.getCollectDefaults()), CheckoutQuestions.customFields(json));
    }

    /**
     * The limits, checked on the parsed tree before any field is used: lengths are read, never worked on, so a
     * field of 60,000 characters costs what a short one does. A value holding a card number is refused: card data never
     * enters Kassa through the merchant API.
     */
    private static void limits(JsonNode json) {
        String orderId = Json.text(json, "order_id") != null ? Json.text(json, "order_id") : Json.text(json, "merchant_ref");
        if (orderId != null && orderId.length() > MAX_ORDER_ID) {
            throw new ApiError(ErrorCode.INVALID_ORDER_ID, "'order_id' has at most " + MAX_ORDER_ID + " characters");
        }
        if (Redaction.containsCard(orderId)) {
            throw new ApiError(ErrorCode.INVALID_ORDER_ID, "'order_id' holds what looks like a card number; card data never goes to Kassa");
        }
        for (ErrorCode invalid : new ErrorCode[] {ErrorCode.INVALID_RETURN_URL, ErrorCode.INVALID_CANCEL_URL}) {
            String value = Json.text(json, invalid.field());
            if (value != null && value.length() > MAX_URL) {
                throw new ApiError(invalid, "'" + invalid.field() + "' has at most " + MAX_URL + " characters");
            }
        }
        String email = Json.text(json, "customer_email");
        if (email != null && email.length() > MAX_EMAIL) {
            throw new ApiError(ErrorCode.INVALID_EMAIL, "'customer_email' has at most " + MAX_EMAIL + " characters");
        }
        if (Redaction.containsCard(email)) {
            throw new ApiError(ErrorCode.INVALID_EMAIL, "'customer_email' holds what looks like a card number; card data never goes to Kassa");
        }
        JsonNode meta = json.get("meta");
        if (meta != null && meta.isObject()) {
            if (meta.size() > MAX_META_KEYS) {
                throw new ApiError(ErrorCode.INVALID_META, "'meta' has at most " + MAX_META_KEYS + " keys");
            }
            String text = meta.toString();
            if (text.length() > MAX_META_BYTES) {
                throw new ApiError(ErrorCode.INVALID_META, "'meta' has at most 8 KB");
            }
            if (Redaction.containsCard(text)) {
                throw new ApiError(ErrorCode.INVALID_META, "'meta' holds what looks like a card number; card data never goes to Kassa");
            }
            if (text.contains("\"payment_link\"")) {
                // The payment-link fold counts the sessions whose meta names its link: only the link page may set it.
                throw new ApiError(ErrorCode.INVALID_META, "'meta' may not use the key payment_link: Kassa sets it on sessions made through a payment link");
            }
        }
        for (String hint : new String[] {"method", "provider", "payment_method", "payment_provider"}) {
            String value = Json.text(json, hint);
            if (value != null && value.length() > MAX_HINT) {
                throw new ApiError(ErrorCode.INVALID_ROUTING_HINT,
                        "'" + hint + "' is a method or provider slug, at most " + MAX_HINT + " characters");
            }
        }
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
}
