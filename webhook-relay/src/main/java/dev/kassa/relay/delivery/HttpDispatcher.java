package dev.kassa.relay.delivery;

import dev.kassa.relay.signing.WebhookSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Delivers over HTTP with the JDK's client, asynchronously: many attempts in flight, none on the caller's thread.
 * Each attempt is checked by the {@link SsrfGuard} first (DNS is resolved on this dispatcher's own threads), signed
 * afresh (new {@code webhook-timestamp}), never follows a redirect, and times out after the configured limit.
 */
public final class HttpDispatcher implements Dispatcher {

    static final String USER_AGENT = "Kassa-Webhooks/0.1";
    public static final String REDELIVERY_HEADER = "X-Kassa-Redelivery";

    private final SsrfGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpClient client;

    public HttpDispatcher(SsrfGuard guard, Duration timeout, Clock clock) {
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "kassa-webhook-dispatch");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(Math.min(5, Math.max(1, timeout.toSeconds()))))
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    @Override
    public CompletionStage<Outcome> send(Request request) {
        long started = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> check(request.url()), executor).thenCompose(refusal -> {
            if (refusal.isPresent()) {
                return CompletableFuture.completedFuture(new Outcome(null, elapsed(started), "refused: " + refusal.get(), null));
            }
            WebhookSigner.SignedHeaders signed = WebhookSigner.sign(request.body(), request.eventId(),
                    clock.instant().getEpochSecond(), request.secret(), request.previousSecret());
            HttpRequest.Builder http = HttpRequest.newBuilder(URI.create(request.url()))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .header("X-Signature", signed.xSignature())
                    .header("webhook-id", signed.webhookId())
                    .header("webhook-timestamp", signed.webhookTimestamp())
                    .header("webhook-signature", signed.webhookSignature())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
            if (request.redelivery()) {
                http.header(REDELIVERY_HEADER, "true");
            }
            return client.sendAsync(http.build(), HttpResponse.BodyHandlers.discarding())
                    .handle((response, error) -> {
                        if (error != null) {
                            Throwable cause = error.getCause() != null ? error.getCause() : error;
                            String what = cause instanceof HttpTimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
                            return new Outcome(null, elapsed(started), what, null);
                        }
                        return new Outcome(response.statusCode(), elapsed(started), null,
                                retryAfter(response.headers().firstValue("Retry-After")));
                    });
        });
    }

    private Optional<String> check(String url) {
        try {
            return guard.refusal(URI.create(url));
        } catch (IllegalArgumentException e) {
            return Optional.of("not a URL: " + e.getMessage());
        }
    }

    /** Retry-After in seconds (the HTTP-date form is not used by webhook receivers in practice and is ignored). */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return seconds > 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
