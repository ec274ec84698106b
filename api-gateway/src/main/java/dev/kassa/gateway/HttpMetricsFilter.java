package dev.kassa.gateway;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.observability.Redaction;
import io.micrometer.core.instrument.Timer;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Request rate and latency per endpoint: {@code kassa_http_server_requests_seconds{endpoint,method,status}}. The
 * endpoint is the route with ids replaced by {@code {id}}; any path that is not one of Kassa's is counted as
 * {@code other}, so a scanner cannot blow up the number of series.
 *
 * <p>Also the access log ({@code kassa.access}, one JSON line per request with {@code trace_id}, and
 * {@code session_id} when the query names one) and the trace id itself: taken from a W3C {@code traceparent}
 * header when the caller sends a valid one, else made here; answered in {@code X-Trace-Id} and kept on the request
 * ({@link #TRACE_ID}) for error logs. Only the path is logged, never the query string or a body.
 */
@Filter("/**")
public class HttpMetricsFilter implements HttpServerFilter {

    public static final String TRACE_ID = "kassa.trace_id";
    private static final Logger ACCESS = LoggerFactory.getLogger("kassa.access");
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("/\\d+(?=/|$)");
    private static final Set<String> ENDPOINTS = Set.of(
            "/gateway/session.php", "/gateway/me.php", "/gateway/status.php", "/gateway/session_status.php",
            "/gateway/cancel.php", "/gateway/refund.php", "/gateway/session_events.php", "/api/webhook.php",
            "/admin/merchants", "/admin/merchants/{id}", "/admin/sessions/{id}/history", "/admin/webhooks/redeliver",
            "/admin/sessions/{id}/review", "/admin/sessions/lookup", "/admin/routing", "/admin/providers", "/admin/providers/stripe", "/admin/views/lookups/orders/{id}", "/health", "/metrics", "/pay.php", "/crypto.php", "/pay/card", "/pay/approve", "/pay/3ds", "/sandbox/sessions/{id}/pay",
            "/gateway/sessions.php", "/gateway/webhook_attempts.php", "/admin/merchants/{id}/users", "/admin/views/sessions/{id}",
            "/admin/views/timeline/{id}", "/admin/views/orders/{id}", "/admin/views/merchants/{id}/sessions", "/admin/views/merchants/{id}/days",
            "/dashboard", "/dashboard/login", "/dashboard/logout", "/dashboard/set-password", "/dashboard/payments",
            "/dashboard/payments.csv", "/dashboard/sessions/{id}", "/dashboard/sessions/{id}/resend", "/dashboard/sessions/{id}/refund",
            "/dashboard/sessions/{id}/cancel", "/dashboard/settings", "/dashboard/settings/api-key", "/dashboard/assets/kassa.css");

    @Override
    public int getOrder() {
        return ServerFilterPhase.METRICS.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        long started = System.nanoTime();
        String traceId = traceId(request.getHeaders().get("traceparent"));
        request.setAttribute(TRACE_ID, traceId);
        return Publishers.map(chain.proceed(request), response -> {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String endpoint = endpoint(request.getPath());
            int code = response.code();
            KassaMetrics.latency("kassa.http.server.requests", "HTTP requests served by the gateway, by endpoint, method, status and outcome")
                    .tag("endpoint", endpoint)
                    .tag("method", request.getMethodName())
                    .tag("status", Integer.toString(code))
                    .tag("outcome", code >= 500 ? "server_error" : code >= 400 ? "client_error" : "success")
                    .register(KassaMetrics.registry())
                    .record(took);
            response.getHeaders().set("X-Trace-Id", traceId);
            String session = request.getParameters().getFirst("session_id").or(() -> request.getParameters().getFirst("session")).orElse(null);
            MDC.put("trace_id", traceId);
            // What the caller sent is not trusted to be a session id: a value that looks like a card number is left out.
            if (session != null && session.matches("\\d{1,16}") && Redaction.scrub(session).equals(session)) {
                MDC.put("session_id", session);
            }
            try {
                ACCESS.info("{} {} {} {} ms", request.getMethodName(), endpoint.equals("other") ? "(other path)" : request.getPath(),
                        response.code(), took.toMillis());
            } finally {
                MDC.remove("trace_id");
                MDC.remove("session_id");
            }
            return response;
        });
    }

    public static String traceId(String traceparent) {
        if (traceparent != null) {
            Matcher m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return m.group(1);
            }
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static String endpoint(String path) {
        String normalized = ID.matcher(path).replaceAll("/{id}");
        return ENDPOINTS.contains(normalized) ? normalized : "other";
    }
}
