package dev.kassa.gateway;

import dev.kassa.model.ErrorCode;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;

/**
 * With {@code --admin-port} (SPEC.md: the operator API and {@code /metrics} on their own port, which the public proxy
 * never serves): {@code /admin/*} and {@code /metrics} answer only on the admin port, and the admin port answers only
 * those and {@code /health}. A path on the wrong port is {@code 404 not_found}, as if it did not exist there.
 */
@Filter("/**")
final class AdminPortFilter implements HttpServerFilter {

    private final int adminPort;

    AdminPortFilter(GatewaySettings settings) {
        this.adminPort = settings.adminPort();
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order() + 1;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (adminPort <= 0) {
            return chain.proceed(request);
        }
        String path = request.getPath();
        boolean operators = path.equals("/admin") || path.startsWith("/admin/") || path.equals("/metrics") || path.startsWith("/metrics/");
        boolean onAdminPort = request.getServerAddress().getPort() == adminPort;
        if (operators != onAdminPort && !(onAdminPort && path.equals("/health"))) {
            return Publishers.just(new ApiError(ErrorCode.NOT_FOUND, "no such path: " + path).response());
        }
        return chain.proceed(request);
    }
}
