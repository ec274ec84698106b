package dev.kassa.gateway.merchant;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key token buckets, in this gateway instance's memory: {@code perSecond} requests a second on average, bursts
 * up to {@code burst}. Returns how many seconds to wait when a request must be refused (the Retry-After).
 */
public final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /** 0 when the request may go, else the whole seconds until one token is back. */
    public long acquire(String key, long nowNanos) {
        double[] bucket = buckets.computeIfAbsent(key, k -> new double[] {burst, nowNanos});
        synchronized (bucket) {
            double tokens = Math.min(burst, bucket[0] + (nowNanos - bucket[1]) / 1e9 * perSecond);
            bucket[1] = nowNanos;
            if (tokens >= 1) {
                bucket[0] = tokens - 1;
                return 0;
            }
            bucket[0] = tokens;
            return (long) Math.ceil((1 - tokens) / perSecond);
        }
    }
}
