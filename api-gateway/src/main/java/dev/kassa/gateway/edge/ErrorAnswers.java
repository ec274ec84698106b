package dev.kassa.gateway.edge;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.RateLimited;
import dev.kassa.model.ErrorCode;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error as the API answers it: the catalogue's HTTP status and {@code {"ok": false, "error": code, "message"}}
 * (SPEC.md). The rooms below the adapters throw {@link ApiError} and {@link RateLimited}, which know no HTTP type; this
 * is where they become answers.
 */
public final class ErrorAnswers {

    private ErrorAnswers() {
    }

    public static MutableHttpResponse<Map<String, Object>> of(ApiError error) {
        return of(error.errorCode(), error.getMessage());
    }

    /** 429 with {@code Retry-After}. */
    public static MutableHttpResponse<Map<String, Object>> of(RateLimited limited) {
        return of(ErrorCode.RATE_LIMITED, limited.getMessage()).header("Retry-After", Long.toString(limited.retryAfterSeconds()));
    }

    public static MutableHttpResponse<Map<String, Object>> of(ErrorCode code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", code.code());
        body.put("message", message);
        return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(code.httpStatus())).body(body);
    }
}
