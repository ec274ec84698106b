package dev.kassa.cli;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.FreePorts;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** Everything {@code kassa dev} runs in one JVM: the embedded broker with every topic, and (later) the services. */
final class DevEnvironment implements AutoCloseable {

    private final LocalKafka kafka;
    private final List<TopicCheck> topics;
    private final AggregateService aggregate;
    private final RelayService relay;
    private final GatewayServer gateway;
    private final DevCredentials credentials;

    private DevEnvironment(LocalKafka kafka, List<TopicCheck> topics, AggregateService aggregate, RelayService relay,
                           GatewayServer gateway, DevCredentials credentials) {
        this.kafka = kafka;
        this.topics = topics;
        this.aggregate = aggregate;
        this.relay = relay;
        this.gateway = gateway;
        this.credentials = credentials;
    }

    /**
     * Starts the broker on {@code dataDir} (kept across starts), creates or verifies every topic, and starts the
     * session aggregate with its state under {@code dataDir/aggregate}.
     */
    static DevEnvironment start(Path dataDir, int kafkaPort, int httpPort) throws InterruptedException, IOException {
        if (httpPort < 0 || httpPort > 65535 || (httpPort != 0 && FreePorts.isBusy(httpPort))) {
            throw new UserError("port " + httpPort + " (HTTP) is already in use or not a port; stop what holds it or choose another with --port.");
        }
        LocalKafka kafka = LocalKafka.start(dataDir, kafkaPort, 0);
        try (Admin admin = kafka.admin()) {
            List<TopicCheck> topics = new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
            KassaMetrics.bindJvm("dev"); // every service in this one JVM
            AggregateService aggregate = AggregateService.start(
                    AggregateService.Config.defaults(kafka.bootstrapServers(), dataDir.resolve("aggregate")));
            // Webhook secrets are sealed in development too: the same code path as production, with a keyring made here.
            Path keyring = DevCredentials.keyring(dataDir);
            // Development mode: a merchant's test receiver on this machine may get webhooks.
            RelayService.Config relayDefaults = RelayService.Config.defaults(kafka.bootstrapServers(), dataDir.resolve("relay"), true);
            RelayService relay = RelayService.start(new RelayService.Config(relayDefaults.kafka(), relayDefaults.applicationId(),
                    relayDefaults.stateDir(), true, relayDefaults.requestTimeout(),
                    relayDefaults.settings().withKeyring(SecretKeyring.load(keyring)), relayDefaults.overrides()));
            String adminToken = DevCredentials.adminToken(dataDir);
            GatewayServer gateway;
            try {
                gateway = GatewayServer.start(kafka.bootstrapServers(), httpPort, adminToken, "http://localhost:" + httpPort, true,
                        Map.of("kassa.gateway.secrets-keyring", keyring.toAbsolutePath().toString(),
                                "kassa.gateway.shared-secret", DevCredentials.gatewaySecret(dataDir),
                                "kassa.gateway.views-state-dir", dataDir.resolve("gateway-views").toAbsolutePath().toString()));
            } catch (RuntimeException e) {
                relay.close();
                aggregate.close();
                throw new UserError("the gateway could not start on port " + httpPort + ": " + e.getMessage());
            }
            // The three start at once: the gateway takes creates (answered once appended) while the aggregate and the
            // relay still restore their stores, which after a kill -9 is most of a restart (docs/RELIABILITY.md).
            if (!aggregate.awaitRunning(Duration.ofSeconds(120)) || !relay.awaitRunning(Duration.ofSeconds(120))) {
                gateway.close();
                relay.close();
                aggregate.close();
                throw new UserError("the session aggregate or the webhook relay did not start within 120 s; see the log file.");
            }
            if (!gateway.awaitReady(Duration.ofSeconds(120))) {
                gateway.close();
                relay.close();
                aggregate.close();
                throw new UserError("the gateway's session views did not start within 120 s; see the log file.");
            }
            DevCredentials credentials = DevCredentials.ensure(dataDir, adminToken, kafka.bootstrapServers(), gateway.url());
            return new DevEnvironment(kafka, topics, aggregate, relay, gateway, credentials);
        } catch (RuntimeException | InterruptedException | IOException e) {
            kafka.close();
            throw e;
        }
    }

    AggregateService aggregate() {
        return aggregate;
    }

    RelayService relay() {
        return relay;
    }

    GatewayServer gateway() {
        return gateway;
    }

    DevCredentials credentials() {
        return credentials;
    }

    LocalKafka kafka() {
        return kafka;
    }

    List<TopicCheck> topics() {
        return topics;
    }

    @Override
    public void close() {
        try {
            gateway.close();
            relay.close();
            aggregate.close();
        } finally {
            kafka.close();
        }
    }
}
