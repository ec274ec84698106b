package dev.kassa.localkafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** A running Kafka cluster, whichever way it was started: what Kassa and its tests need to reach it. */
public interface KafkaCluster extends AutoCloseable {

    /** The {@code bootstrap.servers} string for clients. */
    String bootstrapServers();

    /** How many brokers serve clients; the highest replication factor a topic can have here. */
    int brokerCount();

    /** A short description for logs and test output, e.g. "in-process KRaft, 1 node". */
    String description();

    /** The client properties of this cluster's super user (none on a cluster without authentication). */
    default Map<String, String> superUserClientProperties() {
        return Map.of();
    }

    /** A new admin client for this cluster, as its super user; the caller closes it. */
    default Admin admin() {
        Map<String, Object> config = new HashMap<>(superUserClientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(config);
    }

    @Override
    void close();
}
