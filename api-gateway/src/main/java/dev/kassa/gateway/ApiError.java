package dev.kassa.gateway;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** An error a client can cause: a stable code from SPEC.md, an HTTP status, and a message that says what to change. */
final class ApiError extends RuntimeException {

    private final HttpStatus status;
    private final String code;

    ApiError(HttpStatus status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    /** The aggregate refused a command: its stable code, 400 for a bad amount, 404 for an unknown session, else 409. */
    static ApiError refused(dev.kassa.schemas.avro.CommandResult result) {
        String code = result.getErrorCode() == null ? "invalid_transition" : result.getErrorCode();
        HttpStatus status = switch (code) {
            case "invalid_amount" -> HttpStatus.BAD_REQUEST;
            case "not_found" -> HttpStatus.NOT_FOUND;
            default -> HttpStatus.CONFLICT;
        };
        return new ApiError(status, code, result.getMessage());
    }

    static ApiError missingField(String field) {
        return new ApiError(HttpStatus.BAD_REQUEST, "missing_field", "'" + field + "' is required");
    }

    MutableHttpResponse<Map<String, Object>> response() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", code);
        body.put("message", getMessage());
        return HttpResponse.<Map<String, Object>>status(status).body(body);
    }

    String code() {
        return code;
    }
}
