package dev.kassa.gateway.shared;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.CommandResult;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** An error a client can cause: a code from the catalogue ({@link ErrorCode}, with its HTTP status) and a message that says what to change. */
public final class ApiError extends RuntimeException {

    private final ErrorCode code;

    public ApiError(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The aggregate refused a command: its code and the catalogue's status (400 for a bad amount, 404 for an unknown session, else 409). */
    public static ApiError refused(CommandResult result) {
        return new ApiError(result.getErrorCode() == null ? ErrorCode.INVALID_TRANSITION : ErrorCode.of(result.getErrorCode()),
                result.getMessage());
    }

    public static ApiError missingField(String field) {
        return new ApiError(ErrorCode.MISSING_FIELD, "'" + field + "' is required");
    }

    public MutableHttpResponse<Map<String, Object>> response() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", code.code());
        body.put("message", getMessage());
        return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(code.httpStatus())).body(body);
    }

    public String code() {
        return code.code();
    }
}
