package dev.kassa.gateway.links;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.observability.Redaction;

/**
 * The checks payment links and products share: a price (a positive decimal string with at most the currency's minor
 * digits, an ISO 4217 currency) and a line of text for the buyer. Each failure names its field and its code.
 */
final class Offers {

    static final int MAX_DESCRIPTION = 255;

    record Price(long amountMinor, String currency) {
    }

    private Offers() {
    }

    static Price price(JsonNode json) {
        String currency;
        try {
            currency = Money.currency(require(json, "currency"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_CURRENCY, e.getMessage());
        }
        JsonNode amount = json.get("amount");
        if (amount != null && amount.isNumber()) {
            // A JSON number may already have lost digits (0.1 + 0.2): money travels as a decimal string, as in the create.
            throw new ApiError(ErrorCode.INVALID_AMOUNT, "'amount' must be a decimal string such as \"79.00\", not a JSON number");
        }
        try {
            return new Price(Money.toMinor(require(json, "amount"), currency), currency);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_AMOUNT, e.getMessage());
        }
    }

    /** Text for the buyer: at most {@code max} characters, never a card number. */
    static String text(JsonNode json, String field, ErrorCode code, int min, int max) {
        JsonNode node = json.get(field);
        if (node != null && !node.isNull() && !node.isTextual()) {
            throw new ApiError(code, "'" + field + "' must be text");
        }
        String value = node == null || node.isNull() ? "" : node.asText().strip();
        if (value.length() < min || value.length() > max) {
            throw value.isEmpty() && min > 0 ? ApiError.missingField(field)
                    : new ApiError(code, "'" + field + "' has " + min + " to " + max + " characters");
        }
        if (Redaction.containsCard(value)) {
            throw new ApiError(code, "'" + field + "' holds what looks like a card number; card data never goes to Kassa");
        }
        return value;
    }

    static Boolean bool(JsonNode json, String field, ErrorCode code) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new ApiError(code, "'" + field + "' must be true or false");
        }
        return node.asBoolean();
    }

    private static String require(JsonNode json, String field) {
        String value = Json.text(json, field);
        if (value == null || value.isBlank()) {
            throw ApiError.missingField(field);
        }
        return value;
    }
}
