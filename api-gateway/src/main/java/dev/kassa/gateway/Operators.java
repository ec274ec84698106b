package dev.kassa.gateway;

import io.micronaut.http.HttpStatus;

/** The operator API's one check: {@code Authorization: Bearer <admin token>}, compared in constant time. */
final class Operators {

    private Operators() {
    }

    static void require(GatewaySettings settings, String authorization) {
        if (!Secrets.same(authorization, "Bearer " + settings.adminToken())) {
            throw new ApiError(HttpStatus.UNAUTHORIZED, authorization.isEmpty() ? "missing_api_key" : "invalid_api_key",
                    "the operator API needs 'Authorization: Bearer <admin token>'");
        }
    }
}
