package dev.kassa.gateway.shared;



/** 429 {@code rate_limited} with {@code Retry-After} (the answer is built by the HTTP adapters, {@code ErrorAnswers}). */
public final class RateLimited extends RuntimeException {

    private final long retryAfterSeconds;

    public RateLimited(long retryAfterSeconds) {
        this(retryAfterSeconds, "too many requests for this API key");
    }

    /** {@code what}: whose limit it was, e.g. "too many requests from this address". */
    public RateLimited(long retryAfterSeconds, String what) {
        super(what + "; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
