package dev.kassa.gateway;

import dev.kassa.gateway.edge.ErrorAnswers;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.model.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * With {@code --admin-port} (SPEC.md: the operator API and {@code /metrics} on their own port, which the public proxy
 * never serves): {@code /admin/*} and {@code /metrics} answer only on the admin port, and the admin port answers only
 * those and {@code /health}. A path on the wrong port is {@code 404 not_found}, as if it did not exist there.
 */
@ServerFilter("/**")
final class AdminPortFilter {

    private final int adminPort;

    AdminPortFilter(GatewaySettings settings) {
        this.adminPort = settings.adminPort();
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> onlyOnItsPort(HttpRequest<?> request) {
        if (adminPort <= 0) {
            return null;
        }
        String path = request.getPath();
        boolean operators = path.equals("/admin") || path.startsWith("/admin/") || path.equals("/metrics") || path.startsWith("/metrics/");
        boolean onAdminPort = request.getServerAddress().getPort() == adminPort;
        if (operators != onAdminPort && !(onAdminPort && path.equals("/health"))) {
            return ErrorAnswers.of(new ApiError(ErrorCode.NOT_FOUND, "no such path: " + path));
        }
        return null;
    }
}
