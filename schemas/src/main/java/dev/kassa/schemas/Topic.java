package dev.kassa.schemas;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, how its keys and values are encoded, the config it is created with, and what it is for.
 * {@code config} is what Kassa declares and verifies; partitions and replication are the cluster's {@link TopicLayout}.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> config, String purpose) {
}
