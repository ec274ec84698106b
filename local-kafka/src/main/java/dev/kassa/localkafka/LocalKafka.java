package dev.kassa.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * One real KRaft node (broker and controller in one) running in this JVM, with its data in a directory
 * of the caller's choice. Started again on the same directory it keeps its topics and records.
 */
public final class LocalKafka implements KafkaCluster {

    private static final String META_PROPERTIES = "meta.properties";

    /** How long a broker itself retries a produce that meets a transaction still completing (see the node settings below). */
    static final String ADD_PARTITIONS_RETRY_MAX_MS = "5000";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private final boolean deleteOnClose;
    /** The super user's client properties when the node authenticates (SASL), else empty. */
    private final Map<String, String> superUser;
    private boolean closed;

    private LocalKafka(KafkaRaftServer server, Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose,
                       Map<String, String> superUser) {
        this.server = server;
        this.superUser = superUser;
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.deleteOnClose = deleteOnClose;
    }

    /** Starts a node on loopback, formatting {@code dataDir} on first use. Port 0 picks a free one. */
    public static LocalKafka start(Path dataDir, int brokerPort, int controllerPort) {
        return start(dataDir, brokerPort, controllerPort, false);
    }

    /** Starts a throw-away node on free ports in a new temporary directory, deleted on close. */
    public static LocalKafka startTemporary() {
        try {
            return start(Files.createTempDirectory("kassa-kafka-"), 0, 0, true);
        } catch (IOException e) {
            throw new LocalKafkaException("cannot create a temporary directory for Kafka: " + e.getMessage(), e);
        }
    }

    /**
     * A throw-away node that authenticates and authorizes as a production cluster does: clients must sign in with
     * SASL (SCRAM-SHA-256 for services, whose users {@code kassa topics --scram-user} creates; PLAIN for the super user
     * {@value #ADMIN_USER}), and Kafka's {@code StandardAuthorizer} denies whatever no ACL allows.
     */
    public static LocalKafka startTemporarySecured() {
        String password = UUID.randomUUID().toString();
        return startTemporarySecured(securityProperties(password), Map.of("security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "sasl.jaas.config", plainLogin(password) + ";"));
    }

    /**
     * A throw-away node with the given SASL and authorizer settings (e.g. the server.properties that
     * deploy/kafka/make-credentials.sh writes for docker-compose), on two listeners named BROKER and CONTROLLER;
     * {@code superUser}: the client properties an admin client signs in with.
     */
    public static LocalKafka startTemporarySecured(Properties security, Map<String, String> superUser) {
        try {
            return start(Files.createTempDirectory("kassa-kafka-sasl-"), 0, 0, true, security, superUser);
        } catch (IOException e) {
            throw new LocalKafkaException("cannot create a temporary directory for Kafka: " + e.getMessage(), e);
        }
    }

    /** The super user of a secured node. */
    public static final String ADMIN_USER = "admin";

    private static LocalKafka start(Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose) {
        return start(dataDir, brokerPort, controllerPort, deleteOnClose, null, Map.of());
    }

    private static LocalKafka start(Path dataDir, int brokerPort, int controllerPort, boolean deleteOnClose, Properties security,
                                    Map<String, String> superUser) {
        int broker = brokerPort == 0 ? FreePorts.pick() : requireFree(brokerPort, "Kafka");
        int controller = controllerPort == 0 ? FreePorts.pick() : requireFree(controllerPort, "Kafka controller");
        Path logDir = prepareDataDir(dataDir);
        Properties props = nodeProperties(logDir, broker, controller);
        if (security != null) {
            props.putAll(security);
            props.put("listeners", "BROKER://localhost:" + broker + ",CONTROLLER://localhost:" + controller);
            props.put("advertised.listeners", "BROKER://localhost:" + broker);
        }
        formatIfNew(logDir, props);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new LocalKafkaException("Kafka did not start on port " + broker + ": " + rootMessage(e), e);
        }
        LocalKafka kafka = new LocalKafka(server, dataDir, broker, controller, deleteOnClose, Map.copyOf(superUser));
        kafka.awaitReady(Duration.ofSeconds(60));
        return kafka;
    }

    private static int requireFree(int port, String what) {
        if (port < 1 || port > 65535) {
            throw new LocalKafkaException("port " + port + " is not a TCP port; choose one from 1 to 65535.");
        }
        if (FreePorts.isBusy(port)) {
            throw new LocalKafkaException("port " + port + " (" + what + ") is already in use; stop what holds it or choose another port.");
        }
        return port;
    }

    private static Path prepareDataDir(Path dataDir) {
        Path logDir = dataDir.resolve("kraft");
        try {
            Files.createDirectories(logDir);
            Path probe = Files.createTempFile(logDir, ".write-probe", "");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new LocalKafkaException("data directory " + dataDir + " is not writable; choose another with --data-dir.", e);
        } catch (FileSystemException e) {
            throw new LocalKafkaException("data directory " + dataDir + " cannot be used (" + e.getReason() + "); choose another with --data-dir.", e);
        } catch (IOException e) {
            throw new LocalKafkaException("data directory " + dataDir + " cannot be used (" + e.getMessage() + "); choose another with --data-dir.", e);
        }
        return logDir;
    }

    static Properties nodeProperties(Path logDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        // One node: every internal topic must accept a replication factor of 1, or exactly-once cannot start.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // Transactions v2: a produce that meets the previous transaction's markers still being written waits here, on
        // the broker, retried every 20 ms, rather than going back to the producer and its own back-off (default: only
        // 100 ms here, then CONCURRENT_TRANSACTIONS to the client). Below request.timeout.ms, as it must be.
        p.put("add.partitions.to.txn.retry.backoff.max.ms", ADD_PARTITIONS_RETRY_MAX_MS);
        // Kassa creates every topic with its declared config; a typo in a topic name must fail, not create a topic.
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.backoff.ms", "1000");
        // After a kill -9, the restarted node is unfenced only once its previous registration's session expired (9 s
        // by default): most of a restarted kassa dev's wait once the consumer groups rejoin at once. The controller is
        // in the same JVM, so heartbeats never cross a network: 3 s (three missed heartbeats) is safe.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "1000");
        return p;
    }

    /**
     * SASL on both listeners and the StandardAuthorizer. The controller listener and the broker's own connections use
     * PLAIN with the super user (SCRAM credentials live in the metadata log, which the controller listener must work
     * without); services use SCRAM-SHA-256 on the broker listener. deploy/kafka/make-credentials.sh writes the same
     * for docker-compose (DeployFilesTest starts a node with its file).
     */
    public static Properties securityProperties(String adminPassword) {
        String plain = plainLogin(adminPassword) + " user_" + ADMIN_USER + "=\"" + adminPassword + "\";";
        Properties p = new Properties();
        p.put("inter.broker.listener.name", "BROKER");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("listener.name.broker.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.broker.plain.sasl.jaas.config", plain);
        p.put("listener.name.controller.plain.sasl.jaas.config", plain);
        p.put("listener.name.broker.scram-sha-256.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + ADMIN_USER);
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    private static String plainLogin(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN_USER + "\" password=\""
                + password + "\"";
    }

    @Override
    public Map<String, String> superUserClientProperties() {
        return superUser;
    }

    private static void formatIfNew(Path logDir, Properties props) {
        if (Files.exists(logDir.resolve(META_PROPERTIES))) {
            return;
        }
        try {
            Path config = Files.createTempFile("kassa-kraft-", ".properties");
            try (Writer writer = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                props.store(writer, "kassa local-kafka format");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int rc;
            try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
                rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()}, print);
            } finally {
                Files.deleteIfExists(config);
            }
            if (rc != 0) {
                throw new LocalKafkaException("formatting " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new LocalKafkaException("formatting " + logDir + " failed: " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        RuntimeException last = null;
        try (Admin admin = admin()) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    int brokers = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                    if (brokers > 0) {
                        return;
                    }
                } catch (Exception e) {
                    last = new RuntimeException(e);
                }
                try {
                    Thread.sleep(50); // polling the broker's own readiness; nothing to await on
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        close();
        throw new LocalKafkaException("Kafka did not become ready within " + timeout.toSeconds() + " s", last);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public String bootstrapServers() {
        return "localhost:" + brokerPort;
    }

    @Override
    public int brokerCount() {
        return 1;
    }

    @Override
    public String description() {
        return "in-process KRaft, 1 node, data in " + dataDir;
    }

    /** The directory that holds this node's data. */
    public Path dataDir() {
        return dataDir;
    }

    /** The controller's port (the broker's is in {@link #bootstrapServers()}). */
    public int controllerPort() {
        return controllerPort;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            DirectoryTrees.deleteQuietly(dataDir);
        }
    }
}
