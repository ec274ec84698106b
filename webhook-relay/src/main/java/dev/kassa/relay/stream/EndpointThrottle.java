package dev.kassa.relay.stream;

import com.google.common.util.concurrent.RateLimiter;
import dev.kassa.relay.delivery.DeliveryDecider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deliveries per second per endpoint, for endpoints whose merchant set a throttle ({@code max_per_second}), shared by
 * every task of this relay instance: a receiver back from an outage is not flooded with its backlog. Guava's
 * {@link RateLimiter} (a well-kept library, smooth: at most one second's worth stored) does the counting; a throttle
 * changed by the operator takes effect at the next delivery. Several relay instances each allow the rate (documented).
 */
final class EndpointThrottle {

    private final Map<Long, RateLimiter> limiters = new ConcurrentHashMap<>();

    /** Whether a delivery to this endpoint may go now (always, without a throttle); takes a permit if so. */
    boolean tryAcquire(long endpointKey, DeliveryDecider.Endpoint endpoint) {
        Integer perSecond = endpoint.maxPerSecond();
        if (perSecond == null || perSecond <= 0) {
            limiters.remove(endpointKey);
            return true;
        }
        RateLimiter limiter = limiters.computeIfAbsent(endpointKey, k -> RateLimiter.create(perSecond));
        if (limiter.getRate() != perSecond) {
            limiter.setRate(perSecond);
        }
        return limiter.tryAcquire();
    }
}
