package dev.kassa.gateway;

import dev.kassa.model.ErrorCode;

import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.Map;

/** 429 {@code rate_limited} with {@code Retry-After}. */
final class RateLimited extends RuntimeException {

    private final long retryAfterSeconds;

    RateLimited(long retryAfterSeconds) {
        super("too many requests for this API key; retry after " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    MutableHttpResponse<Map<String, Object>> response() {
        return new ApiError(ErrorCode.RATE_LIMITED, getMessage()).response()
                .header("Retry-After", Long.toString(retryAfterSeconds));
    }
}
