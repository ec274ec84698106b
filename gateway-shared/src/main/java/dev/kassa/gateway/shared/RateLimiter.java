package dev.kassa.gateway.shared;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Token buckets per key, in this gateway instance's memory: {@code perSecond} requests a second on average, bursts up
 * to {@code burst}. The buckets live in a Caffeine cache bounded in size, so keys nobody owns (random API keys,
 * spoofed addresses) cost a bounded amount of memory: past the bound the least used buckets are evicted (Caffeine's
 * TinyLFU), and an evicted bucket starts full again (the limit can only be looser, never stuck). No expiry by idle
 * time: keeping access times cost a fifth of the status reads per second under wrk (docs/BENCHMARKS.md). Returns how
 * many seconds to wait when a request must be refused (the Retry-After).
 */
public final class RateLimiter {

    /** How many buckets one limiter keeps at most. */
    public static final int MAX_KEYS = 100_000;

    private final double perSecond;
    private final double burst;
    private final Cache<String, double[]> buckets;

    public RateLimiter(double perSecond, double burst) {
        this(perSecond, burst, MAX_KEYS);
    }

    public RateLimiter(double perSecond, double burst, int maxKeys) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).build();
    }

    /** 0 when the request may go, else the whole seconds until one token is back; at this limiter's rate. */
    public long acquire(String key, long nowNanos) {
        return acquire(key, perSecond, burst, nowNanos);
    }

    /** The same at a rate of the caller's (a merchant's own {@code rate_limit_per_second}). */
    public long acquire(String key, double perSecond, double burst, long nowNanos) {
        double[] bucket = buckets.get(key, k -> new double[] {burst, nowNanos});
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

    /** How many buckets are kept now (after pending evictions). */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
