package dev.kassa.gateway;

import dev.kassa.observability.KassaMetrics;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import java.time.Duration;
import java.util.Set;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;

/**
 * Request rate and latency per endpoint: {@code kassa_http_server_requests_seconds{endpoint,method,status}}. The
 * endpoint is the route with ids replaced by {@code {id}}; any path that is not one of Kassa's is counted as
 * {@code other}, so a scanner cannot blow up the number of series.
 */
@Filter("/**")
class HttpMetricsFilter implements HttpServerFilter {

    private static final Pattern ID = Pattern.compile("/\\d+(?=/|$)");
    private static final Set<String> ENDPOINTS = Set.of(
            "/gateway/session.php", "/gateway/me.php", "/gateway/status.php", "/gateway/session_status.php",
            "/gateway/cancel.php", "/gateway/refund.php", "/gateway/session_events.php", "/api/webhook.php",
            "/admin/merchants", "/admin/merchants/{id}", "/admin/sessions/{id}/history", "/admin/webhooks/redeliver",
            "/health", "/metrics");

    @Override
    public int getOrder() {
        return ServerFilterPhase.METRICS.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        long started = System.nanoTime();
        return Publishers.map(chain.proceed(request), response -> {
            Timer.builder("kassa.http.server.requests")
                    .description("HTTP requests served by the gateway")
                    .tag("endpoint", endpoint(request.getPath()))
                    .tag("method", request.getMethodName())
                    .tag("status", Integer.toString(response.code()))
                    .register(KassaMetrics.registry())
                    .record(Duration.ofNanos(System.nanoTime() - started));
            return response;
        });
    }

    static String endpoint(String path) {
        String normalized = ID.matcher(path).replaceAll("/{id}");
        return ENDPOINTS.contains(normalized) ? normalized : "other";
    }
}
