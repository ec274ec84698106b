package dev.kassa.gateway;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;

/**
 * Limits per client address on the routes nobody authenticates to with a merchant key: the hosted page
 * ({@code /pay.php}, {@code /pay/*}, {@code /crypto.php}), provider callbacks ({@code /api/webhook.php}) and the
 * operator API ({@code /admin/*}, whose token check is not a reason to let anyone try it at full speed). Buckets per
 * address in bounded memory ({@link RateLimiter}); 429 {@code rate_limited} with {@code Retry-After}. Each gateway
 * counts on its own: behind a proxy with N gateways, an address gets up to N times the rate.
 */
@Filter({"/pay.php", "/pay/**", "/crypto.php", "/api/webhook.php", "/admin/**"})
final class ClientRateLimitFilter implements HttpServerFilter {

    private final RateLimiter limiter;
    private final boolean trustForwardedFor;

    ClientRateLimitFilter(GatewaySettings settings) {
        this.limiter = new RateLimiter(settings.clientRatePerSecond(), settings.clientRateBurst());
        this.trustForwardedFor = settings.trustForwardedFor();
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        long wait = limiter.acquire(ClientAddress.of(request, trustForwardedFor), System.nanoTime());
        if (wait > 0) {
            return Publishers.just(new RateLimited(wait, "too many requests from this address").response());
        }
        return chain.proceed(request);
    }
}
