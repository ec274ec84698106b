package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretKeyringTest {

    /** The first endpoint's secret of a merchant (its key is the merchant id). */
    private static SecretKeyring.Binding ep(long merchantId) {
        return SecretKeyring.Binding.endpoint(merchantId, merchantId);
    }

    private static final String OLD = SecretKeyring.newKeyLine("2026-01");
    private static final String NEW = SecretKeyring.newKeyLine("2026-11");

    @Test
    void sealsWithTheFirstKeyAndOpensWithAny() {
        SecretKeyring ring = SecretKeyring.parse("# keyring\n" + OLD + "\n", "test");
        String sealed = ring.seal(ep(42), "whsec_abc");
        assertThat(sealed).startsWith("kassa-sealed:v2:2026-01:").doesNotContain("whsec_abc");
        assertThat(ring.open(ep(42), sealed)).isEqualTo("whsec_abc");
        // Every seal has its own data key: the same secret never looks the same twice.
        assertThat(ring.seal(ep(42), "whsec_abc")).isNotEqualTo(sealed);
    }

    @Test
    void aSecretIsBoundToItsMerchant() {
        SecretKeyring ring = SecretKeyring.parse(OLD, "test");
        String sealed = ring.seal(ep(42), "whsec_abc");
        assertThatThrownBy(() -> ring.open(ep(43), sealed)).isInstanceOf(SecretKeyring.UnreadableSecret.class)
                .hasMessageContaining("merchant 43");
    }

    @Test
    void aSecretIsBoundToItsKindAndOwnerToo() {
        SecretKeyring ring = SecretKeyring.parse(OLD, "test");
        String endpointSecret = ring.seal(SecretKeyring.Binding.endpoint(42, 7001), "whsec_abc");
        assertThat(ring.open(SecretKeyring.Binding.endpoint(42, 7001), endpointSecret)).isEqualTo("whsec_abc");
        // Copied to another endpoint of the same merchant, or into a user's two-step key: it does not open.
        assertThatThrownBy(() -> ring.open(SecretKeyring.Binding.endpoint(42, 7002), endpointSecret))
                .isInstanceOf(SecretKeyring.UnreadableSecret.class);
        assertThatThrownBy(() -> ring.open(SecretKeyring.Binding.twoStep(42, "clerk@example.com"), endpointSecret))
                .isInstanceOf(SecretKeyring.UnreadableSecret.class).hasMessageContaining("two-step secret of merchant 42");
        String key = ring.seal(SecretKeyring.Binding.twoStep(42, "clerk@example.com"), "JBSWY3DPEHPK3PXP");
        assertThatThrownBy(() -> ring.open(SecretKeyring.Binding.twoStep(42, "thief@example.com"), key))
                .isInstanceOf(SecretKeyring.UnreadableSecret.class);
    }

    @Test
    void v1ValuesAreReadAndResealedIntoV2BoundToTheirOwner() {
        SecretKeyring ring = SecretKeyring.parse(OLD, "test");
        String v1 = ring.sealV1(42, "whsec_old");
        assertThat(v1).startsWith("kassa-sealed:v1:2026-01:");
        assertThat(ring.open(SecretKeyring.Binding.endpoint(42, 9), v1)).as("v1 is bound to the merchant only").isEqualTo("whsec_old");
        assertThat(ring.sealedWithPrimary(v1)).as("a v1 value is resealed even under the first key").isFalse();
        String v2 = ring.reseal(SecretKeyring.Binding.endpoint(42, 9), v1);
        assertThat(v2).startsWith("kassa-sealed:v2:2026-01:");
        assertThat(ring.sealedWithPrimary(v2)).isTrue();
        assertThat(ring.open(SecretKeyring.Binding.endpoint(42, 9), v2)).isEqualTo("whsec_old");
        assertThatThrownBy(() -> ring.open(SecretKeyring.Binding.endpoint(42, 10), v2)).isInstanceOf(SecretKeyring.UnreadableSecret.class);
    }

    @Test
    void rotationRewrapsTheDataKeyAndKeepsTheCiphertext() {
        SecretKeyring before = SecretKeyring.parse(OLD, "test");
        String sealed = before.seal(ep(7), "whsec_rotate");
        SecretKeyring after = SecretKeyring.parse(NEW + "\n" + OLD, "test");
        assertThat(after.sealedWithPrimary(sealed)).isFalse();
        String resealed = after.reseal(ep(7), sealed);
        assertThat(resealed).startsWith("kassa-sealed:v2:2026-11:");
        assertThat(resealed.substring(resealed.lastIndexOf(':'))).isEqualTo(sealed.substring(sealed.lastIndexOf(':')));
        assertThat(after.sealedWithPrimary(resealed)).isTrue();
        // Once every record is resealed the old key can go.
        SecretKeyring onlyNew = SecretKeyring.parse(NEW, "test");
        assertThat(onlyNew.open(ep(7), resealed)).isEqualTo("whsec_rotate");
        assertThatThrownBy(() -> onlyNew.open(ep(7), sealed)).isInstanceOf(SecretKeyring.UnreadableSecret.class)
                .hasMessageContaining("'2026-01', which is not in this keyring");
    }

    @Test
    void clearValuesFromBeforeSealingAreReadAndSealedOnReseal() {
        SecretKeyring ring = SecretKeyring.parse(NEW, "test");
        assertThat(ring.open(ep(1), "whsec_clear")).isEqualTo("whsec_clear");
        assertThat(ring.sealedWithPrimary("whsec_clear")).isFalse();
        assertThat(ring.open(ep(1), ring.reseal(ep(1), "whsec_clear"))).isEqualTo("whsec_clear");
        assertThat(SecretKeyring.NONE.seal(ep(1), "whsec_clear")).isEqualTo("whsec_clear");
    }

    @Test
    void alteredValuesDoNotOpen() {
        SecretKeyring ring = SecretKeyring.parse(OLD, "test");
        String sealed = ring.seal(ep(5), "whsec_x");
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertThatThrownBy(() -> ring.open(ep(5), altered)).isInstanceOf(SecretKeyring.UnreadableSecret.class);
        assertThatThrownBy(() -> ring.open(ep(5), "kassa-sealed:v2:2026-01:x")).isInstanceOf(SecretKeyring.UnreadableSecret.class);
    }

    @Test
    void malformedKeyringsAreRefusedWithTheLineToChange() {
        assertThatThrownBy(() -> SecretKeyring.parse("", "ring")).hasMessageContaining("holds no key");
        assertThatThrownBy(() -> SecretKeyring.parse("k1=abc", "ring")).hasMessageContaining("ring line 1").hasMessageContaining("must be 32");
        assertThatThrownBy(() -> SecretKeyring.parse("# c\nk 1=" + OLD.split("=", 2)[1], "ring")).hasMessageContaining("ring line 2");
        assertThatThrownBy(() -> SecretKeyring.parse(OLD + "\n" + OLD, "ring")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> SecretKeyring.parse("nokey", "ring")).hasMessageContaining("<key id>=<base64 key>");
    }

    @Test
    void neverPrintsItsKeys() {
        SecretKeyring ring = SecretKeyring.parse(OLD, "test");
        assertThat(ring.toString()).isEqualTo("SecretKeyring[2026-01]").doesNotContain(OLD.split("=", 2)[1]);
    }
}
