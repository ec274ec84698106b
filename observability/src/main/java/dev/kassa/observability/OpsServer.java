package dev.kassa.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} (Prometheus text) and {@code GET /health} on a port of its own, for the services that have no
 * HTTP API (the aggregate, the relay: {@code kassa aggregate --ops-port 9464}). The gateway serves both on its own
 * port instead.
 */
public final class OpsServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kassa-ops-http");
        t.setDaemon(true);
        return t;
    });

    public OpsServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            if (!exchange.getRequestMethod().equals("GET")) {
                answer(exchange, 405, "text/plain; charset=utf-8", "GET only\n");
                return;
            }
            answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", KassaMetrics.prometheus().scrape());
        });
        server.createContext("/health", exchange -> {
            List<Health.Check> checks = Health.evaluate();
            boolean up = checks.stream().allMatch(Health.Check::up);
            answer(exchange, up ? 200 : 503, "application/json", JSON.writeValueAsString(Health.body(checks)));
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
