package dev.kassa.gateway.links;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The checks a link's and a product's typed fields pass before anything is sent, without a broker: each bad value
 * has its own code, and the good ones become minor units, a trimmed text, a count and an instant.
 */
class OfferChecksTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("no currency", (Runnable) () -> Offers.price("10.00", null), "missing_field"),
                Arguments.of("unknown currency", (Runnable) () -> Offers.price("10.00", "XXY"), "invalid_currency"),
                Arguments.of("no amount", (Runnable) () -> Offers.price(" ", "EUR"), "missing_field"),
                Arguments.of("three decimals in euros", (Runnable) () -> Offers.price("10.001", "EUR"), "invalid_amount"),
                Arguments.of("cents in yen", (Runnable) () -> Offers.price("10.50", "JPY"), "invalid_amount"),
                Arguments.of("zero", (Runnable) () -> Offers.price("0.00", "EUR"), "invalid_amount"),
                Arguments.of("a required text missing", (Runnable) () -> Offers.text("  ", "name", ErrorCode.INVALID_NAME, 1, 10), "missing_field"),
                Arguments.of("a text too long", (Runnable) () -> Offers.text("x".repeat(11), "name", ErrorCode.INVALID_NAME, 1, 10), "invalid_name"),
                Arguments.of("a card number in a text", (Runnable) () -> Offers.text("4242 4242 4242 4242", "description",
                        ErrorCode.INVALID_DESCRIPTION, 0, 255), "invalid_description"),
                Arguments.of("no uses", (Runnable) () -> PaymentLinks.maxUses(0, true), "invalid_max_uses"),
                Arguments.of("too many uses", (Runnable) () -> PaymentLinks.maxUses(PaymentLinks.MAX_USES + 1, true), "invalid_max_uses"),
                Arguments.of("two uses of a single-use link", (Runnable) () -> PaymentLinks.maxUses(2, false), "invalid_max_uses"),
                Arguments.of("an expiry that is no time", (Runnable) () -> PaymentLinks.expiresAt("next tuesday", NOW), "invalid_expires_at"),
                Arguments.of("an expiry of 41 characters", (Runnable) () -> PaymentLinks.expiresAt("2".repeat(41), NOW), "invalid_expires_at"),
                Arguments.of("an expiry in the past", (Runnable) () -> PaymentLinks.expiresAt("2026-12-07 11:59:59", NOW), "invalid_expires_at"),
                Arguments.of("an expiry beyond a year", (Runnable) () -> PaymentLinks.expiresAt("2028-01-01T00:00:00Z", NOW), "invalid_expires_at"),
                Arguments.of("an image over http", (Runnable) () -> Products.imageUrl("http://shop.example/mug.png"), "invalid_image_url"),
                Arguments.of("an image URL with markup", (Runnable) () -> Products.imageUrl("https://shop.example/\"><script>"), "invalid_image_url"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("refusals")
    void each_bad_value_is_refused_with_its_code(String what, Runnable check, String code) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void good_values_become_what_is_stored() {
        assertThat(Offers.price("79.90", "eur")).isEqualTo(new Offers.Amount(7_990, "EUR"));
        assertThat(Offers.price("1500", "JPY")).isEqualTo(new Offers.Amount(1_500, "JPY"));
        assertThat(Offers.text("  Blue mug ", "name", ErrorCode.INVALID_NAME, 1, 10)).isEqualTo("Blue mug");
        assertThat(Offers.text(null, "description", ErrorCode.INVALID_DESCRIPTION, 0, 10)).isEmpty();
        assertThat(PaymentLinks.maxUses(null, false)).as("single use").isEqualTo(1);
        assertThat(PaymentLinks.maxUses(null, true)).as("no cap").isNull();
        assertThat(PaymentLinks.expiresAt("2026-12-31 23:59:59", NOW)).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
        assertThat(PaymentLinks.expiresAt(" ", NOW)).as("never").isNull();
        assertThat(Products.imageUrl(" ")).as("no image").isNull();
        assertThat(Products.imageUrl("https://shop.example/mug.png")).isEqualTo("https://shop.example/mug.png");
    }
}
