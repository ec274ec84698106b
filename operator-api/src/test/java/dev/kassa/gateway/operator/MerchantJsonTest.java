package dev.kassa.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.accounts.MerchantPatch;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The operator API's JSON as merchant-admin's typed commands: present fields become the patch; a wrong shape is refused here. */
class MerchantJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void the_fields_present_are_the_fields_changed_and_null_removes() throws Exception {
        MerchantPatch patch = MerchantJson.patch(json("""
                {"webhook_url": null, "session_ttl_seconds": 600, "late_payment_policy": "auto_refund",
                 "domains": ["shop.example"], "rate_limit_per_second": null, "payout_wallet": null, "crypto_enabled": false}"""));

        assertThat(patch.webhookUrl()).isEqualTo(new MerchantPatch.Value<String>(null));
        assertThat(patch.sessionTtlSeconds()).isEqualTo(600);
        assertThat(patch.latePaymentPolicy()).isEqualTo(LatePaymentPolicy.AUTO_REFUND);
        assertThat(patch.domains()).containsExactly("shop.example");
        assertThat(patch.rateLimitPerSecond()).isEqualTo(new MerchantPatch.Value<Integer>(null));
        assertThat(patch.payoutWallet()).isEqualTo(new MerchantPatch.Value<MerchantPatch.Wallet>(null));
        assertThat(patch.cryptoEnabled()).isFalse();
        assertThat(patch.graceSeconds()).as("absent: not changed").isNull();
        assertThat(patch.retrySchedule()).isNull();
        assertThat(MerchantJson.patch(json("{}"))).isEqualTo(MerchantPatch.builder().build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " => ", textBlock = """
            {"session_ttl_seconds": 600.5} => invalid_session_ttl_seconds
            {"session_ttl_seconds": "600"} => invalid_session_ttl_seconds
            {"grace_seconds": 99999999999} => invalid_grace_seconds
            {"rate_limit_per_second": true} => invalid_rate_limit_per_second
            {"package": "gold"} => invalid_package
            {"domains": "shop.example"} => missing_field
            {"routing_allow": "card"} => invalid_routing_allow
            {"payout_wallet": "0xabc"} => invalid_merchant_payout_wallet
            {"payout_wallet": {"address": 42}} => invalid_merchant_payout_wallet
            {"crypto_enabled": "yes"} => invalid_crypto_enabled
            """)
    void a_field_of_the_wrong_shape_is_refused_with_its_own_code(String body, String code) {
        assertThatThrownBy(() -> MerchantJson.patch(json(body)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void a_key_rotation_takes_a_whole_number_of_seconds_or_nothing() throws Exception {
        assertThat(MerchantJson.keyRotation(json("{}")).previousKeyExpiresInSeconds()).isNull();
        assertThat(MerchantJson.keyRotation(json("{\"previous_key_expires_in_seconds\": 0}")).previousKeyExpiresInSeconds()).isZero();
        for (String bad : List.of("\"a day\"", "1.5")) {
            assertThatThrownBy(() -> MerchantJson.keyRotation(json("{\"previous_key_expires_in_seconds\": " + bad + "}")))
                    .as(bad).isInstanceOfSatisfying(ApiError.class,
                            e -> assertThat(e.code()).isEqualTo("invalid_previous_key_expires_in_seconds"));
        }
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
