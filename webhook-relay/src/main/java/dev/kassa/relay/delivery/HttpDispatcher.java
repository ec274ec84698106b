package dev.kassa.relay.delivery;

import dev.kassa.model.SsrfGuard;

import dev.kassa.relay.signing.WebhookSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * Delivers over HTTP with the JDK's client, asynchronously: many attempts in flight, none on the caller's thread.
 * Each attempt is signed afresh (new {@code webhook-timestamp}), never follows a redirect, and times out after the
 * configured limit.
 *
 * <p>The SSRF check holds at connect time. The host is resolved once, on this dispatcher's own threads, and every
 * address checked by the {@link SsrfGuard}; then plain HTTP is sent to a checked address itself (the URL's host goes
 * in the {@code Host} header), and HTTPS goes through the {@link GuardedTunnel}, which resolves, checks and connects
 * in one step while TLS stays end to end with the merchant's host name. The JDK client never resolves a merchant's
 * host name itself, so no second DNS answer is ever used unchecked.
 */
public final class HttpDispatcher implements Dispatcher {

    static {
        // The Host header is restricted in the JDK client unless allowed; plain HTTP needs it to connect by address.
        // Read once, when the client's classes load: the relay's launchers and the test JVMs set it too.
        if (System.getProperty("jdk.httpclient.allowRestrictedHeaders") == null) {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    static final String USER_AGENT = "Kassa-Webhooks/0.1";
    public static final String REDELIVERY_HEADER = "X-Kassa-Redelivery";

    private final SsrfGuard guard;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService executor;
    private final GuardedTunnel tunnel;
    private final HttpClient client;

    public HttpDispatcher(SsrfGuard guard, Duration timeout, Clock clock) {
        this(guard, timeout, clock, null);
    }

    /** @param sslContext the TLS trust to use, or null for the JVM's default (tests pass one that trusts their own CA) */
    public HttpDispatcher(SsrfGuard guard, Duration timeout, Clock clock, SSLContext sslContext) {
        this.guard = guard;
        this.timeout = timeout;
        this.clock = clock;
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "kassa-webhook-dispatch");
            t.setDaemon(true);
            return t;
        });
        Duration connectTimeout = Duration.ofSeconds(Math.min(5, Math.max(1, timeout.toSeconds())));
        try {
            this.tunnel = new GuardedTunnel(guard, connectTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the HTTPS webhook tunnel on loopback", e);
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .proxy(new TunnelForHttpsSelector(tunnel.address()))
                .executor(executor);
        if (sslContext != null) {
            builder.sslContext(sslContext);
        }
        this.client = builder.build();
        try {
            HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "probe");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the JDK HTTP client was loaded before the relay could allow the Host header; "
                    + "start the JVM with -Djdk.httpclient.allowRestrictedHeaders=host", e);
        }
    }

    /** HTTPS through the guarded tunnel; plain HTTP directly (to an address already checked). */
    private static final class TunnelForHttpsSelector extends ProxySelector {
        private final List<Proxy> viaTunnel;

        TunnelForHttpsSelector(InetSocketAddress tunnel) {
            this.viaTunnel = List.of(new Proxy(Proxy.Type.HTTP, tunnel));
        }

        @Override
        public List<Proxy> select(URI uri) {
            return "https".equalsIgnoreCase(uri.getScheme()) ? viaTunnel : List.of(Proxy.NO_PROXY);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // the client reports the failure to the caller; nothing to remember here
        }
    }

    /**
     * The headers of one attempt, in order: what every receiver sees, signed with the secret (and the previous one
     * while a rotation overlaps). Pure, so that a scripted dispatcher in a test shows a receiver the same headers.
     */
    public static Map<String, String> headers(Request request, long timestampSeconds) {
        WebhookSigner.SignedHeaders signed = WebhookSigner.sign(request.body(), request.eventId(), timestampSeconds,
                request.secret(), request.previousSecret());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put("X-Signature", signed.xSignature());
        // Seed 002 names the same signature twice more; receivers written against it read either.
        headers.put("X-Ecomtrade24-Signature", signed.xSignature());
        headers.put("X-Webhook-Signature", signed.xSignature());
        headers.put("webhook-id", signed.webhookId());
        headers.put("webhook-timestamp", signed.webhookTimestamp());
        headers.put("webhook-signature", signed.webhookSignature());
        if (request.redelivery()) {
            headers.put(REDELIVERY_HEADER, "true");
        }
        return headers;
    }

    @Override
    public CompletionStage<Outcome> send(Request request) {
        long started = System.nanoTime();
        return CompletableFuture.supplyAsync(() -> target(request.url()), executor).thenCompose(target -> {
            if (target.refusal() != null) {
                return CompletableFuture.completedFuture(new Outcome(null, elapsed(started), "refused: " + target.refusal(), null));
            }
            HttpRequest.Builder http = HttpRequest.newBuilder(target.uri())
                    .timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
            headers(request, clock.instant().getEpochSecond()).forEach(http::header);
            if (target.hostHeader() != null) {
                http.header("Host", target.hostHeader());
            }
            return client.sendAsync(http.build(), info -> new Excerpt())
                    .handle((response, error) -> {
                        if (error != null) {
                            Throwable cause = error.getCause() != null ? error.getCause() : error;
                            String what = cause instanceof HttpTimeoutException ? "timed out after " + timeout.toMillis() + " ms"
                                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
                            return new Outcome(null, elapsed(started), what, null);
                        }
                        return new Outcome(response.statusCode(), elapsed(started), null,
                                retryAfter(response.headers().firstValue("Retry-After")), response.body());
                    });
        });
    }

    /**
     * Keeps the first {@link Outcome#EXCERPT_BYTES} bytes of an answer and reads past the rest without keeping it: a
     * receiver that answers a gigabyte costs the relay a kilobyte. Invalid UTF-8 is replaced, not refused.
     */
    private static final class Excerpt implements HttpResponse.BodySubscriber<String> {
        private final byte[] kept = new byte[Outcome.EXCERPT_BYTES];
        private int length;
        private final CompletableFuture<String> result = new CompletableFuture<>();

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(java.util.List<java.nio.ByteBuffer> items) {
            for (java.nio.ByteBuffer item : items) {
                int take = Math.min(item.remaining(), kept.length - length);
                item.get(kept, length, take);
                length += take;
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(length == 0 ? null : new String(kept, 0, length, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Where an attempt goes: the URI to call and the Host header to send with it, or why it must not be made. */
    private record Target(URI uri, String hostHeader, String refusal) {
        static Target refused(String why) {
            return new Target(null, null, why);
        }
    }

    /**
     * Plain HTTP: resolved and checked here, then called at the first checked address with the URL's host in the
     * {@code Host} header. HTTPS: checked here for a clear refusal message, and checked again where it counts, in the
     * tunnel, which connects only to the addresses it checked itself.
     */
    private Target target(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Target.refused("not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Target.refused("only http and https URLs are called, not '" + scheme + "'");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty() || uri.getRawUserInfo() != null) {
            return Target.refused(host == null || host.isEmpty() ? "the URL has no host" : "a URL with user info is not called");
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        SsrfGuard.Resolution resolution = guard.resolve(bare);
        if (resolution.refused()) {
            return Target.refused(resolution.refusal());
        }
        if (scheme.equals("https")) {
            return new Target(uri, null, null);
        }
        InetAddress address = resolution.addresses().get(0);
        String literal = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        String pathAndQuery = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        try {
            URI byAddress = URI.create("http://" + literal + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + pathAndQuery);
            return new Target(byAddress, uri.getRawAuthority(), null);
        } catch (IllegalArgumentException e) {
            return Target.refused("not a URL: " + e.getMessage());
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
        tunnel.close();
    }
}
