package dev.kassa.gateway.accounts;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * The dashboard's optional second sign-in step: RFC 6238 codes (6 digits, 30 s, HMAC-SHA1 — what every authenticator
 * app reads from an {@code otpauth://} key) computed by java-otp, keys in base32 (Bouncy Castle's encoder). A code is
 * accepted for the step before and after the current one, for a phone's clock that is a little off, and once: the
 * caller records the step it matched and passes it back (a code seen over a shoulder or in a proxy's log is spent).
 */
public final class TwoStep {

    static final Duration STEP = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TimeBasedOneTimePasswordGenerator TOTP = new TimeBasedOneTimePasswordGenerator(STEP);

    private TwoStep() {
    }

    /** A new key: 160 random bits, base32 without padding (32 characters). */
    public static String newKey() {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        return Base32.toBase32String(key).replace("=", "");
    }

    /** Whether {@code code} is the key's code now, a step ago or a step ahead. */
    static boolean verify(String key, String code, Instant now) {
        return step(key, code, now, Long.MIN_VALUE) >= 0;
    }

    /**
     * The RFC 6238 time step {@code code} belongs to (now, a step ago or a step ahead) if it is later than
     * {@code afterStep}, else -1: a code accepted once (its step recorded) is never accepted again, nor any earlier one.
     */
    public static long step(String key, String code, Instant now, long afterStep) {
        String digits = code == null ? "" : code.replaceAll("\\s", "");
        if (key == null || !digits.matches("\\d{6}")) {
            return -1;
        }
        try {
            SecretKeySpec spec = new SecretKeySpec(decode(key), TOTP.getAlgorithm());
            long matched = -1;
            long current = now.getEpochSecond() / STEP.toSeconds();
            for (int offset = -1; offset <= 1; offset++) {
                Instant at = now.plus(STEP.multipliedBy(offset));
                String expected = String.format(Locale.ROOT, "%06d", TOTP.generateOneTimePassword(spec, at));
                // Every candidate is compared (no early exit): the time taken does not say which step matched.
                if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), digits.getBytes(StandardCharsets.US_ASCII))
                        && current + offset > afterStep) {
                    matched = current + offset;
                }
            }
            return matched;
        } catch (InvalidKeyException | IllegalArgumentException e) {
            return -1;
        }
    }

    /** The key as an authenticator app takes it from a link or a QR code. */
    public static String otpauthUri(String email, String key) {
        String label = URLEncoder.encode("Kassa:" + email, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + key + "&issuer=Kassa&algorithm=SHA1&digits=6&period=30";
    }

    /** The key in groups of four, for typing by hand. */
    public static String grouped(String key) {
        return key.replaceAll("(.{4})(?!$)", "$1 ");
    }

    private static byte[] decode(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        int pad = (8 - k.length() % 8) % 8;
        return Base32.decode(k + "=".repeat(pad));
    }
}
