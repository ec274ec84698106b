package dev.kassa.schemas;

/**
 * How many partitions each Kassa topic gets and how many replicas: a property of the cluster, not of a topic.
 * {@code min.insync.replicas} follows from the replication factor (2 of 3, 1 of 1).
 */
public record TopicLayout(int partitions, short replicationFactor) {

    /** One node, as {@code kassa dev} and the tests run. */
    public static final TopicLayout SINGLE_NODE = new TopicLayout(6, (short) 1);

    public TopicLayout {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, not " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, not " + replicationFactor);
        }
    }

    /** The {@code min.insync.replicas} that keeps acks=all writes safe while one replica is down. */
    public int minInsyncReplicas() {
        return replicationFactor >= 3 ? 2 : 1;
    }
}
