package dev.kassa.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A merchant endpoint on loopback that answers 200 at once and counts what it gets. */
final class LoopbackReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    final AtomicLong received = new AtomicLong();
    volatile long firstNanos;
    volatile long lastNanos;

    LoopbackReceiver(Consumer<byte[]> onBody) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long now = System.nanoTime();
            if (received.getAndIncrement() == 0) {
                firstNanos = now;
            }
            lastNanos = now;
            onBody.accept(body);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    double ratePerSecond() {
        long n = received.get();
        return n < 2 ? 0 : (n - 1) / ((lastNanos - firstNanos) / 1e9);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
