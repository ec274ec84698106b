package dev.kassa.gateway;

import dev.kassa.gateway.views.SessionViews;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts the gateway's HTTP server in this JVM (for {@code kassa dev}, {@code kassa gateway} and tests). */
public final class GatewayServer implements AutoCloseable {

    private final EmbeddedServer server;
    private final int port;

    private GatewayServer(EmbeddedServer server, int port) {
        this.server = server;
        this.port = port;
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
        int adminPort = Integer.parseInt(String.valueOf(more.getOrDefault("kassa.gateway.admin-port", "0")));
        int publicPort = port;
        if (adminPort > 0) {
            // Two listeners: the public one, and the operator's (the operator API and /metrics answer only there).
            publicPort = port == 0 ? freePort() : port;
            properties.put("micronaut.server.netty.listeners.public.port", publicPort);
            properties.put("micronaut.server.netty.listeners.admin.port", adminPort);
        }
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, properties);
        return new GatewayServer(server, adminPort > 0 ? publicPort : server.getPort());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the session views serve (group joined, stores restored: a fresh instance restores its partitions
     * from Kafka), at most {@code timeout}; whether they do. Until then reads wait and /health says 503.
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return server.getApplicationContext().getBean(SessionViews.class).awaitReady(timeout);
    }

    /** One of the running gateway's beans (tests reach inside with it). */
    public <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
    }

    /** The public port. */
    public int port() {
        return port;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
    }
}
