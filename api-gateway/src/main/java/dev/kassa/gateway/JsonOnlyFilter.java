package dev.kassa.gateway;

import dev.kassa.gateway.edge.ErrorAnswers;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import java.util.Locale;
import org.reactivestreams.Publisher;

/**
 * A body that says it is not JSON is refused with 415 before any controller sees it; the pages' own forms
 * (the hosted page's {@code /pay/…} and the dashboard's {@code /dashboard/…}, form-encoded, posted by browsers) are the
 * exceptions.
 */
@Filter("/**")
public class JsonOnlyFilter implements HttpServerFilter {

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        boolean hasBody = request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.PATCH;
        String type = request.getHeaders().get("Content-Type");
        boolean hostedForm = request.getPath().startsWith("/pay/") || request.getPath().startsWith("/dashboard/")
                || request.getPath().startsWith("/link/") || request.getPath().startsWith("/p/");
        if (hasBody && !hostedForm && type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            MutableHttpResponse<?> refused = ErrorAnswers.of(new ApiError(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send Content-Type: application/json, not " + type));
            return Publishers.just(refused);
        }
        return chain.proceed(request);
    }
}
