package dev.kassa.gateway;

import dev.kassa.gateway.shared.GatewaySettings;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Security headers on every answer, API and pages alike, where the route did not set its own: no sniffing, no
 * caching (a session's status or a payment page must never be served from a cache), no framing, no referrer, and
 * for JSON a policy that loads nothing. HSTS when the request came over TLS (directly or, behind Kassa's proxy, as
 * {@code X-Forwarded-Proto: https}). A plain response filter: no reactive wrapping on the hot path.
 */
@ServerFilter("/**")
final class SecurityHeadersFilter {

    private final boolean trustForwardedFor;

    SecurityHeadersFilter(GatewaySettings settings) {
        this.trustForwardedFor = settings.trustForwardedFor();
    }

    @ResponseFilter
    void headers(HttpRequest<?> request, MutableHttpResponse<?> response) {
        MutableHttpHeaders headers = response.getHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        setIfAbsent(headers, "Cache-Control", "no-store");
        setIfAbsent(headers, "X-Frame-Options", "DENY");
        setIfAbsent(headers, "Referrer-Policy", "no-referrer");
        setIfAbsent(headers, "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        if (request.isSecure() || (trustForwardedFor && "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto")))) {
            headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
    }

    private static void setIfAbsent(MutableHttpHeaders headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
