package dev.kassa.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * One node of a multi-node KRaft cluster (broker and controller in one), in a process of its own, so that a fault
 * test can kill it with SIGKILL as a crash would ({@code kassa chaos}). Arguments: node id (1..N), cluster id, data
 * directory, the broker ports of all nodes (comma-separated, in node order), their controller ports. Runs until killed.
 */
public final class KafkaNodeMain {

    private KafkaNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: KafkaNodeMain NODE_ID CLUSTER_ID DATA_DIR BROKER_PORTS CONTROLLER_PORTS");
            System.exit(2);
        }
        int node = Integer.parseInt(args[0]);
        String clusterId = args[1];
        Path logDir = Path.of(args[2]).resolve("node-" + node);
        String[] brokers = args[3].split(",");
        String[] controllers = args[4].split(",");
        Files.createDirectories(logDir);
        Properties p = properties(node, logDir, brokers, controllers);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(logDir, p, clusterId);
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p), Time.SYSTEM);
        server.startup();
        System.out.println("node " + node + " up on localhost:" + brokers[node - 1]);
        server.awaitShutdown();
    }

    /** A node of an N-node cluster: replication factor min(3, N) for the internal topics, min.insync.replicas 2. */
    static Properties properties(int node, Path logDir, String[] brokers, String[] controllers) {
        Properties p = new Properties();
        StringBuilder voters = new StringBuilder();
        for (int i = 0; i < controllers.length; i++) {
            voters.append(i == 0 ? "" : ",").append(i + 1).append("@localhost:").append(controllers[i]);
        }
        int rf = Math.min(3, brokers.length);
        int isr = Math.max(1, rf - 1);
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(node));
        p.put("controller.quorum.voters", voters.toString());
        p.put("listeners", "PLAINTEXT://localhost:" + brokers[node - 1] + ",CONTROLLER://localhost:" + controllers[node - 1]);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokers[node - 1]);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("offsets.topic.replication.factor", String.valueOf(rf));
        p.put("transaction.state.log.replication.factor", String.valueOf(rf));
        p.put("transaction.state.log.min.isr", String.valueOf(isr));
        p.put("share.coordinator.state.topic.replication.factor", String.valueOf(rf));
        p.put("share.coordinator.state.topic.min.isr", String.valueOf(isr));
        p.put("default.replication.factor", String.valueOf(rf));
        p.put("min.insync.replicas", String.valueOf(isr));
        p.put("group.initial.rebalance.delay.ms", "0");
        // Transactions v2: a produce that meets the previous transaction's markers still being written waits here, on
        // the broker, retried every 20 ms, rather than going back to the producer and its own back-off (default: only
        // 100 ms here, then CONCURRENT_TRANSACTIONS to the client). Below request.timeout.ms, as it must be.
        p.put("add.partitions.to.txn.retry.backoff.max.ms", LocalKafka.ADD_PARTITIONS_RETRY_MAX_MS);
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void format(Path logDir, Properties props, String clusterId) throws IOException {
        Path config = Files.createTempFile("kassa-kraft-node-", ".properties");
        try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(writer, "kassa chaos node");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, print);
        } finally {
            Files.deleteIfExists(config);
        }
        if (rc != 0) {
            throw new LocalKafkaException("formatting " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8).trim());
        }
    }
}
