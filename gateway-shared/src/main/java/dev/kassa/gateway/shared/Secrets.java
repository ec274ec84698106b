package dev.kassa.gateway.shared;

import dev.kassa.observability.Redaction;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** API keys, webhook secrets and ids: random, and keys stored only as hashes. */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private Secrets() {
    }

    public static String apiKey() {
        return "kassa_" + token(24);
    }

    /** A Standard Webhooks secret: {@code whsec_} and 32 random bytes in base64. */
    public static String webhookSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    public static String hash(String apiKey) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A positive id below 2^53, exact in JavaScript; uniqueness is checked by the aggregate (session_exists). Never
     * Luhn-valid: one random 16-digit number in ten passes the card-number check, and the log scrubber would then
     * hide the id support searches for (a session id in a log line would read {@code [card ••••1234]}).
     */
    public static long id() {
        long id;
        do {
            id = 1 + (RANDOM.nextLong() & Long.MAX_VALUE) % MAX_SAFE_INTEGER;
        } while (looksLikeACard(id));
        return id;
    }

    /** Whether the log scrubber would take this id for a card number (13 digits or more, Luhn-valid). */
    public static boolean looksLikeACard(long id) {
        String digits = Long.toString(id);
        return digits.length() >= 13 && Redaction.luhn(digits);
    }

    /** The session id an Idempotency-Key stands for: the same merchant and key always give the same id. */
    public static long idFor(long merchantId, String idempotencyKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((merchantId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
            long value = ByteBuffer.wrap(digest).getLong() & MAX_SAFE_INTEGER;
            // Deterministic, like the draw: the same key always walks to the same id that is not card-shaped.
            while (value == 0 || looksLikeACard(value)) {
                value = (value * 31 + 7) & MAX_SAFE_INTEGER;
            }
            return value;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(String text) {
        return hash(text).substring("sha256:".length());
    }

    /** Constant-time comparison of two tokens. */
    public static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** A payment link's id as the merchant sees it: {@code pl_} and 20 hex digits. */
    public static String linkId() {
        return "pl_" + HexFormat.of().formatHex(bytes(10));
    }

    /** The unguessable part of a link's URL: 128 random bits, URL-safe. */
    public static String linkCode() {
        return token(16);
    }

    /** 24 random bytes, URL-safe: a session's id, a CSRF token, a one-time link's token. */
    public static String randomToken() {
        return token(24);
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static String token(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
