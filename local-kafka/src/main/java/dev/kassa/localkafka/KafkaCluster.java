package dev.kassa.localkafka;

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

    /** A new admin client for this cluster; the caller closes it. */
    default Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    @Override
    void close();
}
