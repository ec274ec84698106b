package dev.kassa.model;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;

/** The API's decimal strings and Kafka's minor units, converted exactly (never a double). */
public final class Money {

    private Money() {
    }

    public static int digits(String currency) {
        try {
            return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            return 2; // not an ISO 4217 code (a provider reported a coin or a typo): two decimals, as the seeds show
        }
    }

    /** An amount has at most this many integer digits (SPEC.md, Limits): under a quadrillion in any currency. */
    public static final int MAX_INTEGER_DIGITS = 15;
    /** Longer than this an amount string cannot be valid (15 digits, a point, the minor digits, signs, spaces): refused unread. */
    private static final int MAX_LENGTH = 32;

    /**
     * Minor units of a decimal string; fails with a sentence for anything that is not a positive amount in that currency.
     * A string too long to be one is refused before it is parsed, so no input costs more than a short one (a
     * {@code BigDecimal} of 60,000 digits took over a second to refuse).
     */
    public static long toMinor(String amount, String currency) {
        if (amount.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("'amount' has at most " + MAX_INTEGER_DIGITS + " integer digits and the currency's minor digits");
        }
        BigDecimal value;
        try {
            value = new BigDecimal(amount.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'amount' must be a decimal string such as \"79.00\", not '" + amount + "'");
        }
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("'amount' must be more than 0");
        }
        if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException("'amount' has at most " + MAX_INTEGER_DIGITS + " integer digits");
        }
        int digits = digits(currency);
        if (value.stripTrailingZeros().scale() > digits) {
            throw new IllegalArgumentException("'amount' has more decimals than " + currency + " allows (" + digits + ")");
        }
        try {
            return value.movePointRight(digits).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'amount' is too large");
        }
    }

    public static String toDecimal(long minor, String currency) {
        return BigDecimal.valueOf(minor, digits(currency)).toPlainString();
    }

    public static String currency(String code) {
        String upper = code.trim().toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("'currency' must be an ISO 4217 code such as EUR, not '" + code + "'");
        }
        try {
            Currency.getInstance(upper);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'currency' " + upper + " is not an ISO 4217 currency");
        }
        return upper;
    }
}
