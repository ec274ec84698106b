package dev.kassa.schemas;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The key of one event on kassa.session-events: 16 bytes, session_id then sequence, both big-endian. One key per
 * event keeps compaction from dropping history; the first 8 bytes are exactly a Long-keyed topic's key, so
 * {@link SessionEventPartitioner} puts the event in the same partition as the session's commands and state.
 */
public record SessionEventKey(long sessionId, long sequence) {

    /** Encoded size in bytes. */
    public static final int SIZE = 16;

    /** The key's bytes on the topic. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(SIZE).putLong(sessionId).putLong(sequence).array();
    }

    /** Reads a key written by {@link #toBytes()}. */
    public static SessionEventKey fromBytes(byte[] bytes) {
        if (bytes.length != SIZE) {
            throw new SerializationException("a session event key has " + SIZE + " bytes, not " + bytes.length);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new SessionEventKey(buffer.getLong(), buffer.getLong());
    }

    /** The serde for this key. */
    public static Serde<SessionEventKey> serde() {
        Serializer<SessionEventKey> serializer = (topic, key) -> key == null ? null : key.toBytes();
        Deserializer<SessionEventKey> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
