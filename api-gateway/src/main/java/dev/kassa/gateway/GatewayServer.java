package dev.kassa.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.HashMap;
import java.util.Map;

/** Starts the gateway's HTTP server in this JVM (for {@code kassa dev}, {@code kassa gateway} and tests). */
public final class GatewayServer implements AutoCloseable {

    private final EmbeddedServer server;

    private GatewayServer(EmbeddedServer server) {
        this.server = server;
    }

    /** Port 0 picks a free one. */
    public static GatewayServer start(String bootstrapServers, int port, String adminToken, String publicUrl, boolean development) {
        return start(bootstrapServers, port, adminToken, publicUrl, development, Map.of());
    }

    /** With further {@code kassa.gateway.*} or Micronaut properties, e.g. a tighter rate limit for a test. */
    public static GatewayServer start(String bootstrapServers, int port, String adminToken, String publicUrl, boolean development,
                                      Map<String, Object> more) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "micronaut.server.port", port == 0 ? -1 : port,
                "micronaut.server.max-request-size", "65536",
                "kassa.gateway.bootstrap-servers", bootstrapServers,
                "kassa.gateway.admin-token", adminToken,
                "kassa.gateway.public-url", publicUrl,
                "kassa.gateway.development", development));
        properties.putAll(more);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        return new GatewayServer(server);
    }

    public int port() {
        return server.getPort();
    }

    public String url() {
        return "http://localhost:" + server.getPort();
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
