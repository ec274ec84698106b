package dev.kassa.gateway.shared;


import dev.kassa.model.ErrorCode;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.Map;

/** 429 {@code rate_limited} with {@code Retry-After}. */
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

    public MutableHttpResponse<Map<String, Object>> response() {
        return new ApiError(ErrorCode.RATE_LIMITED, getMessage()).response()
                .header("Retry-After", Long.toString(retryAfterSeconds));
    }
}
