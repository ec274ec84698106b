package dev.kassa.gateway.shared;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A buyer's e-mail as a lookup key that is not the e-mail: HMAC-SHA256 under a key the gateways share
 * ({@link GatewayKeys#blindIndex()}), of the address trimmed and in lower case. The session views index sessions by
 * it, so a support lookup by e-mail never stores or scans the address itself, and without the key the index says
 * nothing about who bought (a dictionary of addresses cannot be tried offline).
 */
public final class BlindIndex {

    public static final int LENGTH = 32;

    private final SecretKeySpec key;

    public BlindIndex(byte[] key) {
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
    }

    /** The index of an e-mail address, or null for none (null or blank). */
    public byte[] of(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(email.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
