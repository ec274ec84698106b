package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.shared.RateLimiter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;

/**
 * The first door of a sign-in post, before its body is read: tries from browsers Kassa does not know (no valid device
 * cookie) share one bucket per gateway, 50 a second in bursts of 100, whatever their addresses. A guessing crowd of
 * any size therefore costs the gateway a bounded amount of form decoding and page rendering a second; past it, each try
 * is a fixed page from here (docs/BENCHMARKS.md, "Sign-in under a guessing crowd"). A browser that signed in before
 * carries its device cookie and is not counted here (its own limits apply in {@link SignInLimits}), so a crowd delays
 * only first sign-ins from new browsers, never a user's own.
 */
@ServerFilter({"/dashboard/login", "/dashboard/login/code"})
final class SignInGate {

    static final double PER_SECOND = 50;
    static final double BURST = 100;

    private final RateLimiter unknownBrowsers = new RateLimiter(PER_SECOND, BURST, 1);
    private final DashboardSessions sessions;

    SignInGate(DashboardSessions sessions) {
        this.sessions = sessions;
    }

    @RequestFilter
    @Nullable
    HttpResponse<?> gate(HttpRequest<?> request) {
        if (request.getMethod() != HttpMethod.POST
                || sessions.anyDevice(request.getCookies().findCookie(SignInController.DEVICE_COOKIE).map(Cookie::getValue).orElse(null))) {
            return null;
        }
        long wait = unknownBrowsers.acquire("unknown browsers", System.nanoTime());
        if (wait == 0) {
            return null;
        }
        return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(PAGE).contentType(MediaType.TEXT_HTML_TYPE)
                .header("Content-Security-Policy", DashboardPages.PAGE_POLICY).header("Retry-After", Long.toString(Math.max(1, wait)));
    }

    private static final String PAGE = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
            + "content=\"width=device-width, initial-scale=1\"><title>Sign in · Kassa dashboard</title>"
            + "<link rel=\"stylesheet\" href=\"/dashboard/assets/kassa.css\"></head><body><main id=\"main\" class=\"narrow\">"
            + "<h1>Sign in to your Kassa dashboard</h1><div class=\"card\"><p class=\"error\" role=\"alert\">Sign-in is busy right "
            + "now. Try again in a few seconds.</p><p><a href=\"/dashboard/login\">Back to sign-in</a></p></div></main></body></html>";
}
