package dev.kassa.gateway;

import dev.kassa.gateway.edge.ErrorAnswers;
import dev.kassa.gateway.shared.ApiError;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.Map;

/** Turns an {@link ApiError} into {@code {"ok": false, "error": code, "message": ...}} with its status. */
@Produces
@Singleton
@Requires(classes = {ApiError.class, ExceptionHandler.class})
public class ApiErrorHandler implements ExceptionHandler<ApiError, HttpResponse<Map<String, Object>>> {

    @Override
    public HttpResponse<Map<String, Object>> handle(HttpRequest request, ApiError error) {
        return ErrorAnswers.of(error);
    }
}
