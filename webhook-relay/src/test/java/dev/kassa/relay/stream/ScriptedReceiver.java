package dev.kassa.relay.stream;

import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.relay.delivery.HttpDispatcher;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Merchants' endpoints for topology tests, as a scripted {@link Dispatcher}: no socket, no thread, no waiting. Each
 * path answers the way a real receiver of that kind does; what "arrived" is recorded with the headers the real
 * dispatcher would have sent ({@link HttpDispatcher#headers}). Real HTTP is the end-to-end tests' and
 * {@code HttpDispatcherTest}'s.
 */
final class ScriptedReceiver implements Dispatcher {

    /** One request as a receiver would have seen it. */
    record Received(String path, String webhookId, String xSignature, String webhookSignature, String redelivery, byte[] body,
                    String ecomtrade24Signature, String webhookSignatureSeed002) {
    }

    private final Clock clock;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** Paths under /switch/ answer 503 until switched up. */
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();

    /** Brings a /switch/... receiver up (200) or down (503). */
    void up(String path, boolean isUp) {
        up.put(path, isUp);
    }

    ScriptedReceiver(Clock clock) {
        this.clock = clock;
    }

    String url(String path) {
        return "https://merchant.example" + path;
    }

    List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public CompletionStage<Outcome> send(Request request) {
        String path = URI.create(request.url()).getPath();
        if (path.equals("/slow")) {
            // What the real dispatcher answers when the receiver does not answer within its timeout (800 ms in these tests).
            return CompletableFuture.completedFuture(new Outcome(null, 800, "timed out after 800 ms", null));
        }
        Map<String, String> h = HttpDispatcher.headers(request, clock.instant().getEpochSecond());
        received.add(new Received(path, h.get("webhook-id"), h.get("X-Signature"), h.get("webhook-signature"),
                h.get(HttpDispatcher.REDELIVERY_HEADER), request.body(), h.get("X-Ecomtrade24-Signature"), h.get("X-Webhook-Signature")));
        int call = calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        int status = path.startsWith("/switch/") ? (up.getOrDefault(path, false) ? 200 : 503)
                : path.startsWith("/ok") ? 200 : switch (path) {
            case "/flaky" -> call <= 2 ? 500 : 200;
            case "/gone" -> 410;
            case "/redirect" -> 302;
            default -> 503;
        };
        return CompletableFuture.completedFuture(new Outcome(status, 5, null, null, status == 200 ? "{\"received\":true}" : "busy"));
    }

    @Override
    public void close() {
    }
}
