package dev.kassa.gateway;

import dev.kassa.gateway.edge.ClientAddress;
import dev.kassa.gateway.edge.ErrorAnswers;
import dev.kassa.gateway.shared.GatewayKeys;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.RateLimited;
import dev.kassa.gateway.shared.RateLimiter;
import dev.kassa.gateway.shared.Secrets;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Limits per client address on the routes nobody authenticates to with a merchant key: the hosted page
 * ({@code /pay.php}, {@code /pay/*}, {@code /crypto.php}), provider callbacks ({@code /api/webhook.php}) and the
 * operator API ({@code /admin/*}, whose token check is not a reason to let anyone try it at full speed). Buckets per
 * address in bounded memory ({@link RateLimiter}); 429 {@code rate_limited} with {@code Retry-After}. Each gateway
 * counts on its own: behind a proxy with N gateways, an address gets up to N times the rate. Reads one gateway
 * forwards to another ({@code /admin/views/*}, carrying the peers' token) are the gateways' own traffic, not a
 * client's, and are not limited; a wrong token there is.
 */
@ServerFilter({"/pay.php", "/pay/**", "/crypto.php", "/link/**", "/p/**", "/api/webhook.php", "/admin/**"})
final class ClientRateLimitFilter {

    private final RateLimiter limiter;
    private final boolean trustForwardedFor;
    private final String peerAuthorization;

    ClientRateLimitFilter(GatewaySettings settings, GatewayKeys keys) {
        this.limiter = new RateLimiter(settings.clientRatePerSecond(), settings.clientRateBurst());
        this.trustForwardedFor = settings.trustForwardedFor();
        this.peerAuthorization = "Bearer " + keys.peerToken();
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> limit(HttpRequest<?> request) {
        if (request.getPath().startsWith("/admin/views/")
                && Secrets.same(request.getHeaders().get("Authorization", String.class).orElse(""), peerAuthorization)) {
            return null;
        }
        long wait = limiter.acquire(ClientAddress.limitKey(request, trustForwardedFor), System.nanoTime());
        return wait > 0 ? ErrorAnswers.of(new RateLimited(wait, "too many requests from this address")) : null;
    }
}
