package dev.kassa.gateway.stripe;

import dev.kassa.model.Money;
import java.util.Locale;
import java.util.Set;

/**
 * Kassa's minor units (ISO 4217's digits, {@link Money#digits}) as Stripe's API amounts and back, exactly or not at
 * all. Stripe counts most currencies in hundredths, its zero-decimal currencies in whole units, its three-decimal ones
 * in thousandths whose last digit must be 0; ISK stays two-decimal in its API although only whole krónur are charged
 * (docs.stripe.com/currencies, "special cases"). An amount Stripe cannot take as it is (a fraction of a yen, 5.125 KWD)
 * is refused here, before any request: rounding someone's money is not a connector's call.
 */
public final class StripeAmounts {

    /** Stripe's zero-decimal currencies: the API amount is in whole units. */
    static final Set<String> ZERO_DECIMAL = Set.of("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
            "VUV", "XAF", "XOF", "XPF");
    /** Stripe's three-decimal currencies: thousandths, rounded to tens by the card networks. */
    public static final Set<String> THREE_DECIMAL = Set.of("BHD", "JOD", "KWD", "OMR", "TND");

    private StripeAmounts() {
    }

    /** How many decimals Stripe's API amounts have in {@code currency}. */
    static int stripeDigits(String currency) {
        String c = currency.toUpperCase(Locale.ROOT);
        return ZERO_DECIMAL.contains(c) ? 0 : THREE_DECIMAL.contains(c) ? 3 : 2;
    }

    /**
     * Stripe's amount for Kassa's {@code minor} units of {@code currency}.
     *
     * @throws IllegalArgumentException naming the amount and why Stripe cannot take it
     */
    public static long toStripe(long minor, String currency) {
        String c = currency.toUpperCase(Locale.ROOT);
        int shift = stripeDigits(c) - Money.digits(c);
        long amount;
        if (shift >= 0) {
            amount = Math.multiplyExact(minor, pow10(shift));
        } else {
            long unit = pow10(-shift);
            if (minor % unit != 0) {
                throw new IllegalArgumentException(Money.toDecimal(minor, c) + " " + c + " has decimals Stripe does not charge in " + c);
            }
            amount = minor / unit;
        }
        if (THREE_DECIMAL.contains(c) && amount % 10 != 0) {
            throw new IllegalArgumentException(Money.toDecimal(minor, c) + " " + c + ": Stripe charges " + c + " in steps of 0.010");
        }
        if (c.equals("ISK") && amount % 100 != 0) {
            throw new IllegalArgumentException(Money.toDecimal(minor, c) + " ISK: Stripe charges whole krónur only");
        }
        return amount;
    }

    /** Kassa's minor units for an amount Stripe reported; a fraction Kassa cannot hold is refused (never rounded). */
    public static long fromStripe(long amount, String currency) {
        String c = currency.toUpperCase(Locale.ROOT);
        int shift = Money.digits(c) - stripeDigits(c);
        if (shift >= 0) {
            return Math.multiplyExact(amount, pow10(shift));
        }
        long unit = pow10(-shift);
        if (amount % unit != 0) {
            throw new IllegalArgumentException("Stripe reported " + amount + " in " + c + "'s API units, a fraction of " + c + "'s minor unit");
        }
        return amount / unit;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
