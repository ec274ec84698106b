package dev.kassa.gateway.operator;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.model.ErrorCode;

/** The operator API's one check: {@code Authorization: Bearer <admin token>}, compared in constant time. */
public final class Operators {

    private Operators() {
    }

    public static void require(GatewaySettings settings, String authorization) {
        if (!Secrets.same(authorization, "Bearer " + settings.adminToken())) {
            throw new ApiError(authorization.isEmpty() ? ErrorCode.MISSING_API_KEY : ErrorCode.INVALID_API_KEY,
                    "the operator API needs 'Authorization: Bearer <admin token>'");
        }
    }
}
