package dev.kassa.gateway.accounts;

import java.time.Instant;

/**
 * A new API key for a merchant: the previous key keeps working for {@code previousKeyExpiresInSeconds} (null: a day;
 * 0 revokes it at once; at most 30 days).
 */
public record KeyRotation(Long previousKeyExpiresInSeconds) {

    /** The longest overlap of an old key with its successor: 30 days. */
    public static final long MAX_OVERLAP_SECONDS = 30L * 86_400;
    static final long DEFAULT_OVERLAP_SECONDS = 86_400;

    /** The key, shown once, and until when the previous one still works (null: it no longer does). */
    public record RotatedKey(long merchantId, String apiKey, Instant previousKeyExpiresAt) {
        @Override
        public String toString() {
            return "RotatedKey[merchantId=" + merchantId + ", apiKey=(hidden), previousKeyExpiresAt=" + previousKeyExpiresAt + "]";
        }
    }
}
