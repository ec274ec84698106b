package dev.kassa.gateway.views;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The byte keys of the view stores. RocksDB orders keys by their bytes, so a fixed-width big-endian prefix makes a
 * range scan of one session's timeline or one merchant's sessions a seek and a short walk, never a full scan. Ids and
 * times are non-negative, so their big-endian bytes sort as the numbers do.
 */
final class ViewKeys {

    /** What a timeline entry is: the byte after the session id, so one session's entries group by kind. */
    static final byte EVENT = 'E';
    static final byte RESULT = 'C';
    static final byte ATTEMPT = 'W';
    static final byte ROUTE = 'R';

    private ViewKeys() {
    }

    /** A session's timeline entry: session id, kind, ordinal (the event's sequence, else the record's offset). */
    static byte[] timeline(long sessionId, byte kind, long ordinal) {
        return ByteBuffer.allocate(17).putLong(sessionId).put(kind).putLong(ordinal).array();
    }

    /** The first key of a session's timeline. */
    static byte[] timelineFrom(long sessionId) {
        return ByteBuffer.allocate(8).putLong(sessionId).array();
    }

    /** The first key after a session's timeline. */
    static byte[] timelineTo(long sessionId) {
        return ByteBuffer.allocate(17).putLong(sessionId).put((byte) 0xFF).putLong(-1L).array();
    }

    static long sessionOf(byte[] timelineKey) {
        return ByteBuffer.wrap(timelineKey).getLong(0);
    }

    static byte kindOf(byte[] timelineKey) {
        return timelineKey[8];
    }

    /** A merchant's session, newest first: merchant id, (max - created_at millis), session id. */
    static byte[] merchantSession(long merchantId, long createdAtMillis, long sessionId) {
        return ByteBuffer.allocate(24).putLong(merchantId).putLong(Long.MAX_VALUE - createdAtMillis).putLong(sessionId).array();
    }

    /** The first key of a merchant's sessions created at or before {@code createdAtMillis} (after the cursor's session). */
    static byte[] merchantSessionsFrom(long merchantId, long createdAtMillis, long afterSessionId) {
        return merchantSession(merchantId, createdAtMillis, afterSessionId == Long.MAX_VALUE ? afterSessionId : afterSessionId + 1);
    }

    /** The last key of a merchant's sessions. */
    static byte[] merchantSessionsTo(long merchantId) {
        return ByteBuffer.allocate(24).putLong(merchantId).putLong(Long.MAX_VALUE).putLong(Long.MAX_VALUE).array();
    }

    /** An entry of a merchant's events feed: merchant id, the offset of its record in the merchant's partition. */
    static byte[] feed(long merchantId, long offset) {
        return ByteBuffer.allocate(16).putLong(merchantId).putLong(offset).array();
    }

    /** A session's mark in its merchant's feed: merchant id, session id. */
    static byte[] feedMark(long merchantId, long sessionId) {
        return ByteBuffer.allocate(16).putLong(merchantId).putLong(sessionId).array();
    }

    /** The offset of a feed entry's key. */
    static long feedOffset(byte[] key) {
        return ByteBuffer.wrap(key, 8, 8).getLong();
    }

    /** A merchant's order: merchant id, the order id's UTF-8 bytes. */
    static byte[] order(long merchantId, String orderId) {
        byte[] order = orderId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + order.length).putLong(merchantId).put(order).array();
    }

    /** The order index's value: the newest session of the order and when it was created. */
    static byte[] orderSession(long createdAtMillis, long sessionId) {
        return ByteBuffer.allocate(16).putLong(createdAtMillis).putLong(sessionId).array();
    }

    static long orderCreatedAt(byte[] value) {
        return ByteBuffer.wrap(value).getLong(0);
    }

    static long orderSessionId(byte[] value) {
        return ByteBuffer.wrap(value).getLong(8);
    }

    /**
     * A session in the lookup index by order: 'O', merchant id, SHA-256 of the order id (every key one length, so a
     * prefix never matches another order), session id.
     */
    static byte[] orderLookup(long merchantId, String orderId, long sessionId) {
        return ByteBuffer.allocate(1 + 8 + 32 + 8).put((byte) 'O').putLong(merchantId).put(sha256(orderId)).putLong(sessionId).array();
    }

    /** A session in the lookup index by e-mail: 'E', the address's blind index (32 bytes), session id. */
    static byte[] emailLookup(byte[] blindIndex, long sessionId) {
        return ByteBuffer.allocate(1 + 32 + 8).put((byte) 'E').put(blindIndex).putLong(sessionId).array();
    }

    /** The first and last keys of a lookup prefix (an order's or an address's sessions). */
    static byte[] lookupFrom(byte[] key) {
        byte[] from = key.clone();
        Arrays.fill(from, from.length - 8, from.length, (byte) 0);
        return from;
    }

    static byte[] lookupTo(byte[] key) {
        byte[] to = key.clone();
        Arrays.fill(to, to.length - 8, to.length, (byte) 0xff);
        return to;
    }

    /** The session id at the end of a lookup key. */
    static long lookupSession(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** A terminal session's retirement candidate: when it last changed, then its id (oldest first). */
    static byte[] retirement(long updatedAtMillis, long sessionId) {
        return ByteBuffer.allocate(16).putLong(updatedAtMillis).putLong(sessionId).array();
    }

    static long retirementSession(byte[] key) {
        return ByteBuffer.wrap(key).getLong(8);
    }

    /** A merchant's figures of one day (days since 1970-01-01, UTC): merchant id, day. */
    static byte[] merchantDay(long merchantId, long day) {
        return ByteBuffer.allocate(16).putLong(merchantId).putLong(day).array();
    }

    static long dayOf(byte[] merchantDayKey) {
        return ByteBuffer.wrap(merchantDayKey).getLong(8);
    }
}
