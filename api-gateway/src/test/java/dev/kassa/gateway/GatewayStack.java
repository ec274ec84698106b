package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

/**
 * What the gateway's integration tests run against: Kassa's topics on the test broker, an aggregate of its own (its own
 * application id, so tests never share state) and a gateway in development mode whose public URL is
 * {@code http://localhost:8080} (the URLs it answers; requests go to {@link GatewayServer#url()}).
 */
final class GatewayStack implements AutoCloseable {

    final AggregateService aggregate;
    final GatewayServer gateway;

    private GatewayStack(AggregateService aggregate, GatewayServer gateway) {
        this.aggregate = aggregate;
        this.gateway = gateway;
    }

    static GatewayStack start(KafkaCluster kafka, String name, String adminToken) throws Exception {
        return start(kafka, name, adminToken, Map.of());
    }

    /** The same with more gateway properties ({@code kassa.gateway.trust-forwarded-for}, …). */
    static GatewayStack start(KafkaCluster kafka, String name, String adminToken, Map<String, Object> gatewayProperties) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory(name + "-agg"));
        AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), name + "-" + System.nanoTime(), d.stateDir(),
                d.commitInterval(), 0, d.settings(), Map.of()));
        assertThat(aggregate.awaitRunning(Duration.ofSeconds(60))).isTrue();
        return new GatewayStack(aggregate, GatewayServer.start(kafka.bootstrapServers(), 0, adminToken, "http://localhost:8080", true, gatewayProperties));
    }

    @Override
    public void close() {
        gateway.close();
        aggregate.close();
    }
}
