package dev.kassa.relay.delivery;

import dev.kassa.model.SsrfGuard;
import dev.kassa.relay.signing.WebhookSigner;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Delivers over HTTP/1.1 with Apache HttpClient 5's non-blocking client: a few I/O threads carry every attempt, with
 * keep-alive connections pooled per host (docs/WEBHOOKS.md, "Webhook dispatch", says why this client).
 *
 * <p>One deadline per attempt (SPEC.md, "Delivery limits"): resolving, connecting, TLS, the answer's headers and its
 * body together. When it passes, the attempt is a failure with reason {@code timeout} and its connection is closed.
 * At most the first kilobyte of an answer is read ({@link WebhookAnswer}). Redirects are not followed, nothing is
 * retried by the client, no cookies are kept, no compressed answer is inflated.
 *
 * <p>The SSRF check holds at connect time: the client resolves host names only through a {@link CheckedDnsResolver},
 * which hands it addresses the {@link SsrfGuard} checked and nothing else, for HTTP and HTTPS alike (TLS still
 * verifies the merchant's host name). Host names are resolved on this dispatcher's own threads before an attempt is
 * handed to the client, so a merchant's slow DNS never holds an I/O thread.
 */
public final class HttpDispatcher implements Dispatcher {

    static final String USER_AGENT = "Kassa-Webhooks/0.1";
    public static final String REDELIVERY_HEADER = "X-Kassa-Redelivery";
    /** The longest error text kept on an attempt record (exception messages can quote a receiver's bytes). */
    private static final int MAX_ERROR = 300;
    /** The exchange of an attempt whose deadline passed before it was handed to the client (still resolving). */
    private static final Future<?> NOT_STARTED = CompletableFuture.completedFuture(null);
    /** How long after closing an attempt's connection on purpose (its deadline, a long body) its slot is given back. */
    private static final Duration CLOSE_SEEN = Duration.ofMillis(50);

    private final Duration deadline;
    private final Clock clock;
    private final CheckedDnsResolver dns;
    private final ExecutorService resolvers;
    private final ScheduledThreadPoolExecutor deadlines;
    private final CloseableHttpAsyncClient client;

    public HttpDispatcher(SsrfGuard guard, Duration deadline, Clock clock) {
        this(guard, deadline, clock, null);
    }

    /** @param sslContext the TLS trust to use, or null for the JVM's default (tests pass one that trusts their own CA) */
    public HttpDispatcher(SsrfGuard guard, Duration deadline, Clock clock, SSLContext sslContext) {
        this.deadline = deadline;
        this.clock = clock;
        this.dns = new CheckedDnsResolver(guard);
        // Bounded: a merchant whose DNS hangs holds at most its lane's attempts here, each until its deadline's end.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("kassa-webhook-resolve"));
        pool.allowCoreThreadTimeOut(true);
        this.resolvers = pool;
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemon("kassa-webhook-deadline"));
        deadlines.setRemoveOnCancelPolicy(true); // a finished attempt's timer leaves the queue at once
        Timeout limit = Timeout.of(deadline);
        ClientTlsStrategyBuilder tls = ClientTlsStrategyBuilder.create();
        if (sslContext != null) {
            tls.setSslContext(sslContext);
        }
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(dns)
                        .setTlsStrategy(tls.buildAsync())
                        .setMaxConnTotal(4096)
                        // Many merchants can share a host (a hosted webhook service): the per-endpoint cap is the
                        // DeliveryLanes', this only bounds one host's connections.
                        .setMaxConnPerRoute(512)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(limit).setSocketTimeout(limit)
                                .setTimeToLive(TimeValue.ofMinutes(5)).setValidateAfterInactivity(TimeValue.ofSeconds(10))
                                .build())
                        .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(limit)
                                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).setSoTimeout(limit).setTcpNoDelay(true).build())
                .setUserAgent(USER_AGENT)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableConnectionState()
                .disableContentCompression()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
        client.start();
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
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        URI uri;
        try {
            uri = callable(request.url());
        } catch (Refused e) {
            result.complete(new Outcome(null, 0, "refused: " + e.getMessage(), null, null, Reason.REFUSED));
            return result;
        }
        CompletableFuture<Future<?>> exchange = new CompletableFuture<>();
        ScheduledFuture<?> timer = deadlines.schedule(() -> {
            Outcome late = new Outcome(null, elapsed(started), "timeout: no complete answer within " + deadline.toMillis() + " ms",
                    null, null, Reason.TIMEOUT);
            // The connection is closed first (cancelling closes it at once), and the attempt ends a moment later: its
            // slot in the endpoint's lane is free only once the receiver has seen that connection go, so a receiver
            // never sees more connections at once than its lane's cap.
            exchange.getNow(NOT_STARTED).cancel(true);
            deadlines.schedule(() -> result.complete(late), CLOSE_SEEN.toMillis(), TimeUnit.MILLISECONDS);
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        result.whenComplete((o, e) -> timer.cancel(false)); // no-op for the timer that completed it
        Runnable call = () -> {
            SsrfGuard.Resolution checked = dns.check(uri.getHost());
            if (checked.refused()) {
                result.complete(new Outcome(null, elapsed(started), "refused: " + checked.refusal(), null, null, Reason.REFUSED));
            } else if (!result.isDone()) {
                Future<?> handed = execute(request, uri, started, result);
                exchange.complete(handed);
                if (result.isDone()) {
                    handed.cancel(true); // the deadline passed while it was being handed over
                }
            }
        };
        if (dns.isKnown(uri.getHost())) {
            call.run(); // checked moments ago: no DNS, no thread hop
        } else {
            resolvers.execute(call);
        }
        return result;
    }

    private Future<?> execute(Request request, URI uri, long started, CompletableFuture<Outcome> result) {
        AsyncRequestBuilder http = AsyncRequestBuilder.post(uri)
                .setEntity(AsyncEntityProducers.create(request.body(), ContentType.APPLICATION_JSON));
        headers(request, clock.instant().getEpochSecond()).forEach((name, value) -> {
            if (!name.equals("Content-Type")) {
                http.addHeader(name, value); // the entity carries the content type
            }
        });
        AsyncRequestProducer producer = http.build();
        WebhookAnswer consumer = new WebhookAnswer(result::isDone);
        return client.execute(producer, consumer, null, new FutureCallback<WebhookAnswer.Answer>() {
            @Override
            public void completed(WebhookAnswer.Answer answer) {
                result.complete(outcome(answer, started));
            }

            @Override
            public void failed(Exception error) {
                WebhookAnswer.Answer cutShort = consumer.cutShort();
                if (cutShort == null) {
                    result.complete(failure(error, started));
                } else {
                    // A body longer than a kilobyte: the answer stands, its connection was closed on purpose.
                    Outcome answered = outcome(cutShort, started);
                    deadlines.schedule(() -> result.complete(answered), CLOSE_SEEN.toMillis(), TimeUnit.MILLISECONDS);
                }
            }

            @Override
            public void cancelled() {
                // only the deadline cancels; its own outcome follows at once
            }
        });
    }

    private static Outcome outcome(WebhookAnswer.Answer answer, long started) {
        return new Outcome(answer.status(), elapsed(started), null, retryAfter(Optional.ofNullable(answer.retryAfter())),
                answer.excerpt());
    }

    /** A failed exchange as the merchant reads it: the reason code and a short text (never more than 300 characters). */
    static Outcome failure(Throwable error, long started) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof SSLException)) {
            cause = cause.getCause();
        }
        String text = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        String reason;
        if (cause instanceof UnknownHostException && String.valueOf(cause.getMessage()).startsWith("refused")) {
            reason = Reason.REFUSED;
            text = cause.getMessage();
        } else if (cause instanceof SocketTimeoutException || cause instanceof InterruptedIOException) {
            reason = Reason.TIMEOUT;
        } else if (cause instanceof SSLException) {
            reason = Reason.TLS_FAILED;
        } else if (cause instanceof HttpException) {
            reason = Reason.PROTOCOL_ERROR;
        } else if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            reason = Reason.CONNECTION_FAILED;
        } else if (cause instanceof IOException) {
            reason = Reason.CONNECTION_FAILED;
        } else {
            reason = Reason.PROTOCOL_ERROR;
        }
        if (text.length() > MAX_ERROR) {
            text = text.substring(0, MAX_ERROR) + "…";
        }
        return new Outcome(null, elapsed(started), text, null, null, reason);
    }

    /** Why a URL is not called at all (before any DNS). */
    private static final class Refused extends Exception {
        Refused(String why) {
            super(why, null, false, false);
        }
    }

    private static URI callable(String url) throws Refused {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new Refused("not a URL: " + (e.getMessage() == null ? "empty" : e.getMessage()));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https URLs are called, not '" + scheme + "'");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("a URL with user info is not called");
        }
        return uri;
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

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        // Graceful: an immediate close makes the client's I/O threads log a ClosedSelectorException at ERROR.
        client.close(CloseMode.GRACEFUL);
        resolvers.shutdownNow();
        deadlines.shutdownNow();
    }
}
