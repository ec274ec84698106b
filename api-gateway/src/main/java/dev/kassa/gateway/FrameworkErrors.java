package dev.kassa.gateway;

import dev.kassa.gateway.checkout.CheckoutNotFound;
import dev.kassa.gateway.checkout.CheckoutPages;
import dev.kassa.gateway.dashboard.DashboardBadForm;
import dev.kassa.gateway.dashboard.DashboardNotFound;
import dev.kassa.gateway.dashboard.SignedInUsers;
import dev.kassa.gateway.edge.ErrorAnswers;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.RateLimited;
import dev.kassa.model.ErrorCode;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.codec.CodecException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.exceptions.NotAcceptableException;
import io.micronaut.web.router.exceptions.UnsatisfiedBodyRouteException;
import io.netty.handler.codec.DecoderException;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the framework answers on its own (unknown path, wrong method, too large) in Kassa's shape: every JSON answer
 * carries {@code ok}, and nothing unexpected ever shows a stack trace.
 */
@Controller
class FrameworkErrors {

    private static final Logger LOG = LoggerFactory.getLogger(FrameworkErrors.class);

    private final CheckoutPages pages;

    FrameworkErrors(CheckoutPages pages) {
        this.pages = pages;
    }

    @Error(status = HttpStatus.NOT_FOUND, global = true)
    HttpResponse<?> notFound(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.equals("/pay.php") || path.equals("/crypto.php") || path.startsWith("/pay/")) {
            // A buyer's browser: a page, not JSON.
            return pages.notFound();
        }
        if (path.equals("/dashboard") || path.startsWith("/dashboard/")) {
            return DashboardNotFound.page(); // a merchant's browser: a page too
        }
        return ErrorAnswers.of(new ApiError(ErrorCode.NOT_FOUND, "no such path: " + path));
    }

    @Error(exception = DashboardNotFound.Missing.class, global = true)
    HttpResponse<?> dashboardNotFound(HttpRequest<?> request) {
        return DashboardNotFound.page();
    }

    @Error(exception = SignedInUsers.NotSignedIn.class, global = true)
    HttpResponse<?> dashboardSignIn(HttpRequest<?> request) {
        return HttpResponse.seeOther(URI.create("/dashboard/login"));
    }

    @Error(exception = CheckoutNotFound.class, global = true)
    HttpResponse<?> checkoutNotFound(HttpRequest<?> request) {
        return pages.notFound();
    }

    @Error(status = HttpStatus.METHOD_NOT_ALLOWED, global = true)
    HttpResponse<Map<String, Object>> methodNotAllowed(HttpRequest<?> request) {
        return ErrorAnswers.of(new ApiError(ErrorCode.METHOD_NOT_ALLOWED,
                request.getMethodName() + " is not allowed on " + request.getPath()));
    }

    @Error(exception = NotAcceptableException.class, global = true)
    HttpResponse<Map<String, Object>> notAcceptable(HttpRequest<?> request) {
        // Answered in JSON whatever was asked for: an error has one shape (a 500 here once hid the client's mistake).
        return ErrorAnswers.of(new ApiError(ErrorCode.NOT_ACCEPTABLE, request.getMethodName() + " " + request.getPath() + " answers in another type than the Accept header "
                + "names; send Accept: */* or the type the API reference gives"));
    }

    @Error(status = HttpStatus.UNSUPPORTED_MEDIA_TYPE, global = true)
    HttpResponse<?> unsupportedMediaType(HttpRequest<?> request) {
        if (DashboardBadForm.covers(request.getPath())) {
            return DashboardBadForm.page(); // a dashboard form posted as something else than a web form
        }
        return ErrorAnswers.of(new ApiError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send Content-Type: application/json"));
    }

    @Error(exception = ContentLengthExceededException.class, global = true)
    HttpResponse<?> tooLarge(HttpRequest<?> request) {
        if (DashboardBadForm.covers(request.getPath())) {
            return DashboardBadForm.page();
        }
        return ErrorAnswers.of(new ApiError(ErrorCode.BODY_TOO_LARGE, "the body is larger than 64 KiB"));
    }

    /** A body the framework could not bind to a route's argument: missing, or not decodable as its type. */
    private static boolean unreadableBody(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof UnsatisfiedBodyRouteException
                    || e instanceof ConversionErrorException
                    || e instanceof CodecException
                    || e instanceof DecoderException) { // a form body that does not decode ('%zz')
                return true;
            }
        }
        return false;
    }

    @Error(global = true)
    HttpResponse<?> unexpected(HttpRequest<?> request, Throwable error) {
        if (error instanceof ApiError api) {
            return ErrorAnswers.of(api);
        }
        if (unreadableBody(error)) {
            // The framework could not bind the body (none, or bytes that do not decode): the sender's mistake, never ours.
            return DashboardBadForm.covers(request.getPath()) ? DashboardBadForm.page()
                    : ErrorAnswers.of(new ApiError(ErrorCode.INVALID_JSON, "the body could not be read; send a JSON object"));
        }
        if (error instanceof RateLimited limited) {
            return ErrorAnswers.of(limited);
        }
        MDC.put("trace_id", request.getAttribute(HttpMetricsFilter.TRACE_ID, String.class).orElse("none"));
        try {
            LOG.error("unexpected error on {} {}", request.getMethodName(), request.getPath(), error);
        } finally {
            MDC.remove("trace_id");
        }
        return ErrorAnswers.of(new ApiError(ErrorCode.INTERNAL_ERROR, "something failed on Kassa's side; it was logged"));
    }
}
