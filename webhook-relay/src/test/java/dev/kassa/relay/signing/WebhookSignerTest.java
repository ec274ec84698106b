package dev.kassa.relay.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    @Test
    void x_signature_reproduces_rfc_4231_test_case_2() {
        // HMAC-SHA256, key "Jefe", data "what do ya want for nothing?" (RFC 4231, 4.3).
        assertThat(WebhookSigner.xSignature("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8), "Jefe"))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void the_standard_webhooks_signature_reproduces_the_published_test_vector() {
        String signature = WebhookSigner.standardSignature("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void during_a_rotation_both_secrets_sign_and_x_signature_keeps_the_previous_one_the_seed_receiver_holds() {
        byte[] body = "{\"status\":\"paid\"}".getBytes(StandardCharsets.UTF_8);
        WebhookSigner.SignedHeaders headers = WebhookSigner.sign(body, "evt_1_3", 1700000000L, "whsec_bmV3LXNlY3JldA==", "whsec_b2xkLXNlY3JldA==");
        assertThat(headers.webhookSignature().split(" ")).containsExactly(
                WebhookSigner.standardSignature("evt_1_3", 1700000000L, body, "whsec_bmV3LXNlY3JldA=="),
                WebhookSigner.standardSignature("evt_1_3", 1700000000L, body, "whsec_b2xkLXNlY3JldA=="));
        assertThat(headers.xSignature()).isEqualTo(WebhookSigner.xSignature(body, "whsec_b2xkLXNlY3JldA=="));
        assertThat(WebhookSigner.sign(body, "evt_1_3", 1700000000L, "whsec_bmV3LXNlY3JldA==", null).xSignature())
                .as("after the overlap").isEqualTo(WebhookSigner.xSignature(body, "whsec_bmV3LXNlY3JldA=="));
        assertThat(headers.webhookId()).isEqualTo("evt_1_3");
        assertThat(headers.webhookTimestamp()).isEqualTo("1700000000");
    }

    @Test
    void a_receiver_doing_exactly_what_seed_003s_php_snippet_does_accepts_it() throws Exception {
        String secret = "YOUR_WEBHOOK_SECRET";
        byte[] raw = "{\"event\":\"payment.session\",\"session_id\":12345,\"status\":\"paid\",\"amount\":\"79.00\"}"
                .getBytes(StandardCharsets.UTF_8);
        String sig = WebhookSigner.sign(raw, "evt_12345_3", 1700000000L, secret, null).xSignature();

        // $calc = hash_hmac('sha256', $raw, $secret); hash_equals($calc, $sig)
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String calc = HexFormat.of().formatHex(mac.doFinal(raw));
        assertThat(MessageDigest.isEqual(calc.getBytes(StandardCharsets.UTF_8), sig.getBytes(StandardCharsets.UTF_8))).isTrue();

        byte[] tampered = new String(raw, StandardCharsets.UTF_8).replace("79.00", "7.90").getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSigner.verifyXSignature(tampered, secret, sig)).isFalse();
        assertThat(WebhookSigner.verifyXSignature(raw, secret, "sha256=" + sig)).isTrue();
    }
}
