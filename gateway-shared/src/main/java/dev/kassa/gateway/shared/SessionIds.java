package dev.kassa.gateway.shared;

import dev.kassa.model.ErrorCode;

/** Session ids as clients send them: a string that is not a session id names no session (404, not 400, as the seeds answer). */
public final class SessionIds {

    private SessionIds() {
    }

    public static long parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiError.missingField("session_id");
        }
        String trimmed = raw.trim();
        // At most 19 digits: never work proportional to a hostile input.
        if (trimmed.length() > 19 || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + (trimmed.length() > 40 ? trimmed.substring(0, 40) + "..." : trimmed) + "'");
        }
        try {
            return Long.parseLong(trimmed);
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + trimmed + "'");
        }
    }
}
