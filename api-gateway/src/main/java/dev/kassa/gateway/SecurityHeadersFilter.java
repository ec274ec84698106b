package dev.kassa.gateway;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;

/**
 * Security headers on every answer, API and pages alike, where the route did not set its own: no sniffing, no
 * caching (a session's status or a payment page must never be served from a cache), no framing, no referrer, and
 * for JSON a policy that loads nothing. HSTS when the request came over TLS (directly or, behind Kassa's proxy, as
 * {@code X-Forwarded-Proto: https}).
 */
@Filter("/**")
final class SecurityHeadersFilter implements HttpServerFilter {

    private final boolean trustForwardedFor;

    SecurityHeadersFilter(GatewaySettings settings) {
        this.trustForwardedFor = settings.trustForwardedFor();
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        boolean tls = request.isSecure() || (trustForwardedFor && "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto")));
        return Publishers.map(chain.proceed(request), response -> {
            MutableHttpHeaders headers = response.getHeaders();
            headers.set("X-Content-Type-Options", "nosniff");
            setIfAbsent(headers, "Cache-Control", "no-store");
            setIfAbsent(headers, "X-Frame-Options", "DENY");
            setIfAbsent(headers, "Referrer-Policy", "no-referrer");
            setIfAbsent(headers, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
            if (tls) {
                headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
            }
            return response;
        });
    }

    private static void setIfAbsent(MutableHttpHeaders headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
