package dev.kassa.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Two-step codes against RFC 6238's own test vectors (SHA-1 key "12345678901234567890", the last 6 of its 8 digits). */
class TwoStepTest {

    /** "12345678901234567890" in base32. */
    static final String RFC_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @ParameterizedTest
    @CsvSource({"59, 287082", "1111111109, 081804", "1111111111, 050471", "1234567890, 005924", "2000000000, 279037"})
    void the_rfc_vectors_verify(long seconds, String code) {
        assertThat(TwoStep.verify(RFC_KEY, code, Instant.ofEpochSecond(seconds))).isTrue();
    }

    @Test
    void a_code_holds_one_step_either_side_and_no_further() {
        Instant at = Instant.ofEpochSecond(59); // step 1: 287082
        assertThat(TwoStep.verify(RFC_KEY, "287082", at.plusSeconds(30))).isTrue();
        assertThat(TwoStep.verify(RFC_KEY, "287082", at.plusSeconds(61))).isFalse();
        assertThat(TwoStep.verify(RFC_KEY, "287083", at)).isFalse();
        assertThat(TwoStep.verify(RFC_KEY, "28708", at)).isFalse();
        assertThat(TwoStep.verify(RFC_KEY, "abcdef", at)).isFalse();
        assertThat(TwoStep.verify(null, "287082", at)).isFalse();
        assertThat(TwoStep.verify(RFC_KEY, "287 082", at)).as("spaces as apps show them").isTrue();
    }

    @Test
    void a_code_is_accepted_once_and_no_earlier_step_after_it() {
        Instant at = Instant.ofEpochSecond(59); // step 1: 287082
        long step = TwoStep.step(RFC_KEY, "287082", at, 0);
        assertThat(step).isEqualTo(1);
        assertThat(TwoStep.step(RFC_KEY, "287082", at, step)).as("the same code again").isEqualTo(-1);
        assertThat(TwoStep.step(RFC_KEY, "287082", at.plusSeconds(30), step)).as("and a step later").isEqualTo(-1);
        assertThat(TwoStep.step(RFC_KEY, "287082", at, step - 1)).as("a code after the last one used").isEqualTo(1);
    }

    @Test
    void a_new_key_is_32_base32_characters_and_its_link_names_kassa() {
        String key = TwoStep.newKey();
        assertThat(key).matches("[A-Z2-7]{32}");
        assertThat(TwoStep.otpauthUri("clerk@example.com", key)).startsWith("otpauth://totp/Kassa%3Aclerk%40example.com?secret=" + key);
        assertThat(TwoStep.grouped("ABCDEFGH")).isEqualTo("ABCD EFGH");
    }
}
