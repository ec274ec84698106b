package dev.kassa.aggregate.stream;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the expiry index: {@code expires_at} (epoch ms) then {@code session_id}, both big-endian, so that the
 * store's byte order is time order and a range scan from the start to "now" returns exactly what is due.
 */
final class ExpiryIndex {

    static final String STORE = "session-expiry-index";

    private ExpiryIndex() {
    }

    static Bytes key(Instant expiresAt, long sessionId) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(expiresAt.toEpochMilli()).putLong(sessionId).array());
    }

    /** The smallest key: nothing is due before the epoch. */
    static Bytes first() {
        return Bytes.wrap(new byte[16]);
    }

    /** The largest key due at {@code now}. */
    static Bytes lastDueAt(Instant now) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(now.toEpochMilli()).putLong(-1L).array());
    }

    static Instant expiresAt(Bytes key) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(key.get()).getLong());
    }
}
