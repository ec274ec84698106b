package dev.kassa.gateway.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.gateway.shared.ApiError;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** EIP-55 over Keccak-256: the EIP's own test vectors, and what a mistyped or misshapen address gets. */
class PayoutWalletsTest {

    /** The vectors of EIP-55 itself (all caps, all lower, and mixed). */
    @ParameterizedTest
    @ValueSource(strings = {
            "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
            "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
            "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
            "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
    void the_eip_vectors_verify_and_any_casing_gives_the_checksum_form(String address) {
        String expected = PayoutWallets.eip55(address.substring(2));
        assertThat(PayoutWallets.checksummed(address)).isEqualTo(expected);
        assertThat(PayoutWallets.checksummed(address.toLowerCase(Locale.ROOT).replace("0x", "0x"))).isEqualTo(expected);
        if (!address.substring(2).equals(address.substring(2).toUpperCase(Locale.ROOT))
                && !address.substring(2).equals(address.substring(2).toLowerCase(Locale.ROOT))) {
            assertThat(expected).isEqualTo(address); // a mixed-case vector is its own checksum form
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            one letter's case flipped | 0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed | EIP-55
            39 hex digits             | 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe  | 40 hex digits
            41 hex digits             | 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0 | 40 hex digits
            not hex                   | 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg | not hex
            no 0x                     | 5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00 | start with 0x
            """)
    void a_wrong_address_says_what_is_wrong(String name, String address, String says) {
        assertThatThrownBy(() -> PayoutWallets.checksummed(address)).isInstanceOf(ApiError.class)
                .hasMessageContaining(says);
    }
}
