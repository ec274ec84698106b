package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SPEC.md's amount limit over random input: at most 15 integer digits, refused by length before any parsing when a
 * string cannot be an amount at all (so a hostile 60,000-digit amount costs what a short one does), and every amount
 * within the limits converts exactly to minor units and back.
 */
class MoneyLimitsProperties {

    @Property(tries = 2000)
    void a_string_too_long_to_be_an_amount_is_refused_unread(@ForAll("tooLong") String amount) {
        assertThatThrownBy(() -> Money.toMinor(amount, "EUR"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 15 integer digits");
    }

    @Property(tries = 2000)
    void more_than_15_integer_digits_is_refused(@ForAll("bigIntegers") String digits) {
        assertThatThrownBy(() -> Money.toMinor(digits, "EUR")).hasMessageContaining("at most 15 integer digits");
    }

    @Property(tries = 2000)
    void within_the_limits_an_amount_converts_exactly_and_back(@ForAll("amounts") String amount) {
        long minor = Money.toMinor(amount, "EUR");
        assertThat(Money.toDecimal(minor, "EUR")).isEqualTo(amount);
    }

    @Provide
    Arbitrary<String> tooLong() {
        return Arbitraries.strings().withChars("0123456789.-e+ ").ofMinLength(33).ofMaxLength(70_000);
    }

    @Provide
    Arbitrary<String> bigIntegers() {
        return Arbitraries.strings().numeric().ofMinLength(16).ofMaxLength(32).filter(s -> s.charAt(0) != '0');
    }

    @Provide
    Arbitrary<String> amounts() {
        Arbitrary<String> integer = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(15).filter(s -> s.charAt(0) != '0');
        Arbitrary<String> cents = Arbitraries.strings().numeric().ofLength(2);
        return integer.flatMap(i -> cents.map(c -> i + "." + c));
    }
}
