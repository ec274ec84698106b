package dev.kassa.relay.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies, pure functions only. {@code X-Signature} is the hex HMAC-SHA256 of the exact body with the
 * secret's bytes as key, exactly what seed 003's {@code hash_hmac('sha256', $raw, $secret)} computes. The Standard
 * Webhooks signature is {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}; a {@code whsec_} secret's key is the
 * base64 after the prefix, any other secret's key is its UTF-8 bytes.
 */
public final class WebhookSigner {

    private static final String HMAC = "HmacSHA256";
    private static final String STANDARD_PREFIX = "whsec_";

    private WebhookSigner() {
    }

    /** The headers of one signed request. */
    public record SignedHeaders(String xSignature, String webhookId, String webhookTimestamp, String webhookSignature) {
    }

    /**
     * Signs {@code body} with the current secret and, during a rotation's overlap ({@code previousSecret} not null), the
     * previous one as well. The Standard Webhooks header then carries both signatures (its receivers try each);
     * {@code X-Signature} and seed 002's other two names carry one value only, so they keep the previous secret's, the
     * one the deployed seed receiver holds, until the overlap ends (SPEC.md, "Secret rotation a seed receiver survives").
     */
    public static SignedHeaders sign(byte[] body, String eventId, long timestampSeconds, String secret, String previousSecret) {
        List<String> signatures = new ArrayList<>(2);
        signatures.add(standardSignature(eventId, timestampSeconds, body, secret));
        boolean overlap = previousSecret != null && !previousSecret.isEmpty();
        if (overlap) {
            signatures.add(standardSignature(eventId, timestampSeconds, body, previousSecret));
        }
        return new SignedHeaders(xSignature(body, overlap ? previousSecret : secret), eventId, Long.toString(timestampSeconds),
                String.join(" ", signatures));
    }

    /** Hex (lower case) HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes. */
    public static String xSignature(byte[] body, String secret) {
        return HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), body));
    }

    /** {@code v1,<base64>} over {@code id.timestamp.body}, as the Standard Webhooks specification defines it. */
    public static String standardSignature(String id, long timestampSeconds, byte[] body, String secret) {
        byte[] prefix = (id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "v1," + Base64.getEncoder().encodeToString(hmac(standardKey(secret), signed));
    }

    /** Constant-time comparison of a received hex signature (an optional {@code sha256=} prefix is accepted). */
    public static boolean verifyXSignature(byte[] body, String secret, String received) {
        if (received == null) {
            return false;
        }
        String hex = received.startsWith("sha256=") ? received.substring(7) : received;
        return MessageDigest.isEqual(xSignature(body, secret).getBytes(StandardCharsets.US_ASCII),
                hex.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] standardKey(String secret) {
        if (secret.startsWith(STANDARD_PREFIX)) {
            return Base64.getDecoder().decode(secret.substring(STANDARD_PREFIX.length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
