package dev.kassa.relay.stream;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A merchant's webhook endpoint on loopback, with paths that behave the ways real receivers do. */
final class Receiver implements AutoCloseable {

    /** One request as received: path, the headers that matter, the raw body. */
    record Received(String path, String webhookId, String xSignature, String webhookSignature, String redelivery, byte[] body,
                    String ecomtrade24Signature, String webhookSignatureSeed002, long receivedAtMillis) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            received.add(new Received(path, h.getFirst("webhook-id"), h.getFirst("X-Signature"), h.getFirst("webhook-signature"),
                    h.getFirst("X-Kassa-Redelivery"), body, h.getFirst("X-Ecomtrade24-Signature"), h.getFirst("X-Webhook-Signature"),
                    System.currentTimeMillis()));
            int call = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            int status = switch (path) {
                case "/ok" -> 200;
                case "/flaky" -> call <= 2 ? 500 : 200;
                case "/gone" -> 410;
                case "/redirect" -> 302;
                case "/slow" -> {
                    try {
                        Thread.sleep(1500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield 200;
                }
                default -> 503;
            };
            if (path.equals("/redirect")) {
                exchange.getResponseHeaders().add("Location", "http://10.0.0.1/steal");
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
