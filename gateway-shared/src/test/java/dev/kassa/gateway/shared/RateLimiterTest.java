package dev.kassa.gateway.shared;


import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void a_burst_passes_then_requests_wait_for_tokens_and_keys_are_separate() {
        RateLimiter limiter = new RateLimiter(2, 3);
        long t = 0;
        assertThat(limiter.acquire("a", t)).isZero();
        assertThat(limiter.acquire("a", t)).isZero();
        assertThat(limiter.acquire("a", t)).isZero();
        assertThat(limiter.acquire("a", t)).isEqualTo(1);
        assertThat(limiter.acquire("b", t)).isZero();
        assertThat(limiter.acquire("a", t + 500_000_000L)).isZero();
        assertThat(limiter.acquire("a", t + 500_000_000L)).isEqualTo(1);
    }
}
