package dev.kassa.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * The two HTTP clients the relay was measured with, each in a bare POST loop (64 in flight, the relay's work left
 * out) to the same nginx as wrk's ceiling: what each client alone can put on this machine's wire. The JDK's
 * {@code HttpClient} was the relay's until it was replaced by Apache HttpClient 5's non-blocking client
 * (docs/WEBHOOKS.md, "Webhook dispatch").
 */
final class HttpClientLoops {

    private static final int IN_FLIGHT = 64;

    private HttpClientLoops() {
    }

    /** POSTs/s of the JDK client over {@code duration}, after a warm-up of the same length. */
    static double jdk(String url, byte[] body, Duration duration) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        loop(duration, done -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> done.run()));
        return loop(duration, done -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> done.run()));
    }

    /** POSTs/s of Apache HttpClient 5's async client (the relay's settings: 2 I/O threads, keep-alive) over {@code duration}. */
    static double apache(String url, byte[] body, Duration duration) throws InterruptedException, IOException {
        try (CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnPerRoute(IN_FLIGHT).setMaxConnTotal(IN_FLIGHT).build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).setTcpNoDelay(true).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement().build()) {
            client.start();
            SimpleHttpRequest request = SimpleRequestBuilder.post(url).setBody(body, ContentType.APPLICATION_JSON).build();
            Sender send = done -> client.execute(request, new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse result) {
                    done.run();
                }

                @Override
                public void failed(Exception ex) {
                    done.run();
                }

                @Override
                public void cancelled() {
                    done.run();
                }
            });
            loop(duration, send);
            double rate = loop(duration, send);
            client.close(CloseMode.GRACEFUL);
            return rate;
        }
    }

    private interface Sender {
        void send(Runnable done);
    }

    private static double loop(Duration duration, Sender sender) throws InterruptedException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicLong completed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() < end) {
            slots.acquire();
            sender.send(() -> {
                completed.incrementAndGet();
                slots.release();
            });
        }
        slots.acquire(IN_FLIGHT); // the last ones back
        return completed.get() / ((System.nanoTime() - start) / 1e9);
    }
}
