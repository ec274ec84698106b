package dev.kassa.gateway.links;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.observability.Redaction;

/**
 * The checks payment links and products share: a price (a positive decimal string with at most the currency's minor
 * digits, an ISO 4217 currency) and a line of text for the buyer. Each failure names its field and its code. The
 * refusals the adapters raise before a value is typed (a JSON number for an amount, a count or a time that is not one)
 * are here too, so that every way in says the same words.
 */
public final class Offers {

    static final int MAX_DESCRIPTION = 255;

    record Amount(long amountMinor, String currency) {
    }

    private Offers() {
    }

    /** {@code amount} sent as a JSON number: it may already have lost digits (0.1 + 0.2), so money travels as text. */
    public static ApiError amountNotText() {
        return new ApiError(ErrorCode.INVALID_AMOUNT, "'amount' must be a decimal string such as \"79.00\", not a JSON number");
    }

    public static ApiError invalidMaxUses() {
        return new ApiError(ErrorCode.INVALID_MAX_USES, "'max_uses' must be a whole number from 1 to " + PaymentLinks.MAX_USES);
    }

    public static ApiError invalidExpiresAt() {
        return new ApiError(ErrorCode.INVALID_EXPIRES_AT,
                "'expires_at' must be an instant such as 2026-12-31T23:59:59Z or \"2026-12-31 23:59:59\" (UTC)");
    }

    static Amount price(String amount, String currency) {
        String code;
        try {
            code = Money.currency(require(currency, "currency"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_CURRENCY, e.getMessage());
        }
        try {
            return new Amount(Money.toMinor(require(amount, "amount"), code), code);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_AMOUNT, e.getMessage());
        }
    }

    /** Text for the buyer (null: none): at most {@code max} characters after trimming, never a card number. */
    static String text(String text, String field, ErrorCode code, int min, int max) {
        String value = text == null ? "" : text.strip();
        if (value.length() < min || value.length() > max) {
            throw value.isEmpty() && min > 0 ? ApiError.missingField(field)
                    : new ApiError(code, "'" + field + "' has " + min + " to " + max + " characters");
        }
        if (Redaction.containsCard(value)) {
            throw new ApiError(code, "'" + field + "' holds what looks like a card number; card data never goes to Kassa");
        }
        return value;
    }

    private static String require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw ApiError.missingField(field);
        }
        return value;
    }
}
