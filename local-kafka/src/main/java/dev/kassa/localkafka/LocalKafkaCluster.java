package dev.kassa.localkafka;

import java.util.Set;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * N real Kafka brokers and one KRaft controller in this JVM, for failover tests: replication factor up
 * to N, and brokers that can be stopped one at a time. Data lives in temporary directories, deleted on close.
 * The controller is a separate node so that stopping a broker never takes the metadata quorum with it.
 */
public final class LocalKafkaCluster implements KafkaCluster {

    private final KafkaClusterTestKit kit;
    private final int nodes;
    private boolean closed;

    private LocalKafkaCluster(KafkaClusterTestKit kit, int nodes) {
        this.kit = kit;
        this.nodes = nodes;
    }

    /** Starts {@code nodes} brokers (and a controller) and waits until every broker is ready. */
    public static LocalKafkaCluster start(int nodes) {
        if (nodes < 1) {
            throw new LocalKafkaException("a cluster needs at least one node, not " + nodes + ".");
        }
        KafkaClusterTestKit kit = null;
        try {
            TestKitNodes testKitNodes = new TestKitNodes.Builder()
                    .setCombined(false)
                    .setNumBrokerNodes(nodes)
                    .setNumControllerNodes(1)
                    // The test kit's default metadata version is an unstable one; production's is what Kassa runs on.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            int rf = Math.min(3, nodes);
            kit = new KafkaClusterTestKit.Builder(testKitNodes)
                    .setConfigProp("offsets.topic.replication.factor", String.valueOf(rf))
                    .setConfigProp("transaction.state.log.replication.factor", String.valueOf(rf))
                    .setConfigProp("transaction.state.log.min.isr", String.valueOf(Math.max(1, rf - 1)))
                    .setConfigProp("share.coordinator.state.topic.replication.factor", String.valueOf(rf))
                    .setConfigProp("share.coordinator.state.topic.min.isr", String.valueOf(Math.max(1, rf - 1)))
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("add.partitions.to.txn.retry.backoff.max.ms", LocalKafka.ADD_PARTITIONS_RETRY_MAX_MS)
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            return new LocalKafkaCluster(kit, nodes);
        } catch (Exception e) {
            if (kit != null) {
                try {
                    kit.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new LocalKafkaException("a " + nodes + "-node Kafka cluster did not start: " + e.getMessage(), e);
        }
    }

    /** Stops one broker (as a crash would, from the cluster's point of view); the others keep serving. */
    public void stopBroker(int nodeId) {
        var broker = kit.brokers().get(nodeId);
        if (broker == null) {
            throw new IllegalArgumentException("no broker " + nodeId + "; brokers are " + brokerIds());
        }
        broker.shutdown();
        broker.awaitShutdown();
    }

    /** The node ids of the brokers. */
    public Set<Integer> brokerIds() {
        return kit.brokers().keySet();
    }

    @Override
    public String bootstrapServers() {
        return kit.bootstrapServers();
    }

    @Override
    public int brokerCount() {
        return nodes;
    }

    @Override
    public String description() {
        return "in-process KRaft, " + nodes + " brokers and 1 controller";
    }

    @Override
    public synchronized void close() {
        // The test kit's close() is not idempotent.
        if (closed) {
            return;
        }
        closed = true;
        try {
            kit.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the Kafka cluster failed", e);
        }
    }
}
