package dev.kassa.gateway;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.Map;

/** Starts the gateway's HTTP server in this JVM (for {@code kassa dev}, {@code kassa gateway} and tests). */
public final class GatewayServer implements AutoCloseable {

    private final EmbeddedServer server;

    private GatewayServer(EmbeddedServer server) {
        this.server = server;
    }

    /** Port 0 picks a free one. */
    public static GatewayServer start(String bootstrapServers, int port, String adminToken, String publicUrl, boolean development) {
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, Map.of(
                "micronaut.server.port", port == 0 ? -1 : port,
                "micronaut.server.max-request-size", "65536",
                "kassa.gateway.bootstrap-servers", bootstrapServers,
                "kassa.gateway.admin-token", adminToken,
                "kassa.gateway.public-url", publicUrl,
                "kassa.gateway.development", development));
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
