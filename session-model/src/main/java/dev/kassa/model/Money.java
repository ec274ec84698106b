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

    /** Minor units of a decimal string; fails with a sentence for anything that is not a positive amount in that currency. */
    public static long toMinor(String amount, String currency) {
        BigDecimal value;
        try {
            value = new BigDecimal(amount.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'amount' must be a decimal string such as \"79.00\", not '" + amount + "'");
        }
        if (value.signum() <= 0) {
            throw new IllegalArgumentException("'amount' must be more than 0");
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
