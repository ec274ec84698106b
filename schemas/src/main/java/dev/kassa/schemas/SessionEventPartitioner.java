package dev.kassa.schemas;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions session events by session_id alone, with the same hash Kafka's default partitioner applies to a
 * Long key: a session's events, commands and state share a partition number, and its events stay in order.
 * Works as a Streams partitioner and as a producer's {@code partitioner.class}.
 */
public final class SessionEventPartitioner implements StreamPartitioner<SessionEventKey, Object>, Partitioner {

    /** The partition of a session on a topic with {@code partitions} partitions. */
    public static int partitionOf(long sessionId, int partitions) {
        byte[] longKey = ByteBuffer.allocate(Long.BYTES).putLong(sessionId).array();
        return Utils.toPositive(Utils.murmur2(longKey)) % partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, SessionEventKey key, Object value, int numPartitions) {
        return Optional.of(Set.of(partitionOf(key.sessionId(), numPartitions)));
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        int partitions = cluster.partitionCountForTopic(topic);
        long sessionId = key instanceof SessionEventKey k ? k.sessionId() : ByteBuffer.wrap(keyBytes).getLong();
        return partitionOf(sessionId, partitions);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // nothing to configure
    }

    @Override
    public void close() {
        // nothing held
    }
}
