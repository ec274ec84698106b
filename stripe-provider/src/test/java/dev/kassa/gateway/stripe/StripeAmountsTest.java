package dev.kassa.gateway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.model.Money;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StripeAmountsTest {

    @ParameterizedTest(name = "{0} {1} is {2} in Stripe's API")
    @CsvSource({
            // amount as the merchant wrote it, currency, Stripe's amount
            "79.00, EUR, 7900",
            "0.50, USD, 50",
            "500, JPY, 500",          // zero-decimal at both ends
            "12.340, KWD, 12340",     // thousandths, last digit 0
            "1500, ISK, 150000",      // ISO: no decimals; Stripe's API: two, whole krónur only
            "1200.00, MGA, 1200",     // ISO: two decimals; Stripe: zero-decimal
            "10000, KRW, 10000",
            "3.500, BHD, 3500"})
    void amounts_are_converted_exactly(String amount, String currency, long stripe) {
        long minor = Money.toMinor(amount, currency);
        assertThat(StripeAmounts.toStripe(minor, currency)).isEqualTo(stripe);
        assertThat(StripeAmounts.fromStripe(stripe, currency)).isEqualTo(minor);
    }

    @ParameterizedTest(name = "{0} {1} is refused")
    @CsvSource({
            "5.125, KWD, steps of 0.010",
            "1200.50, MGA, has decimals Stripe does not charge"})
    void an_amount_stripe_cannot_take_is_refused_never_rounded(String amount, String currency, String why) {
        long minor = Money.toMinor(amount, currency);
        assertThatThrownBy(() -> StripeAmounts.toStripe(minor, currency)).hasMessageContaining(why);
    }

    @org.junit.jupiter.api.Test
    void a_reported_fraction_kassa_cannot_hold_is_refused() {
        // ISK: Stripe's API counts hundredths, Kassa (ISO 4217) whole krónur: 1500.50 ISK is not an amount Kassa keeps.
        assertThatThrownBy(() -> StripeAmounts.fromStripe(150_050, "ISK")).hasMessageContaining("a fraction");
        // MGA: the other way round, Stripe's whole ariary are 100 of Kassa's minor units.
        assertThat(StripeAmounts.fromStripe(3, "MGA")).isEqualTo(300);
    }

    /** Whatever the currency, a converted amount converts back to itself: no unit is gained or lost. */
    @Property
    void to_and_from_stripe_is_the_identity(@ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long minor,
                                              @ForAll("currencies") String currency) {
        long stripe;
        try {
            stripe = StripeAmounts.toStripe(minor, currency);
        } catch (IllegalArgumentException refused) {
            return; // not chargeable as it is: refused, and nothing was converted
        }
        assertThat(StripeAmounts.fromStripe(stripe, currency)).isEqualTo(minor);
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> currencies() {
        return net.jqwik.api.Arbitraries.of("EUR", "USD", "JPY", "KWD", "BHD", "ISK", "MGA", "CLP", "HUF", "TND", "KRW");
    }
}
