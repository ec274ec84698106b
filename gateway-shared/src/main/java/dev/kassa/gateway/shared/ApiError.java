package dev.kassa.gateway.shared;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.CommandResult;

/**
 * An error a client can cause: a code from the catalogue ({@link ErrorCode}, with its HTTP status) and a message that
 * says what to change. It knows no HTTP type: the gateway's adapters turn it into an answer.
 */
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

    /** The catalogue's entry: its code and HTTP status (the HTTP adapters build the answer, {@code ErrorAnswers}). */
    public ErrorCode errorCode() {
        return code;
    }

    public String code() {
        return code.code();
    }
}
