package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.accounts.PasswordChecks;
import dev.kassa.gateway.edge.ClientAddress;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.schemas.avro.MerchantUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Signing in and out of the dashboard, and setting a password from the operator's one-time link (SPEC.md, "Merchant
 * dashboard"): bcrypt checks limited per e-mail and per client, a double-submitted token on these forms, the signed
 * session cookie on success.
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SignInController {

    /** The device cookie of a browser that signed in before (its own sign-in limit: see {@link SignInLimits}). */
    static final String DEVICE_COOKIE = "kassa_device";

    private final MerchantUsers users;
    private final DashboardSessions sessions;
    private final DashboardPages pages;
    private final GatewaySettings settings;
    private final Clock clock;
    private final SignInLimits limits;

    SignInController(MerchantUsers users, DashboardSessions sessions, DashboardPages pages, GatewaySettings settings, Clock clock,
                     SignInLimits limits) {
        this.limits = limits;
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
        this.settings = settings;
        this.clock = clock;
    }

    @Get("/login")
    HttpResponse<?> loginPage(HttpRequest<?> request, @Nullable @QueryValue("done") String done) {
        if (pages.who(request).isPresent()) {
            return pages.redirect("/dashboard");
        }
        return loginForm(HttpStatus.OK, null, done == null ? null : DashboardPages.DONE.get(done), "");
    }

    @Post("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> login(HttpRequest<?> request, @Body Map<String, String> form) {
        if (!sessions.loginCsrfMatches(request, form.get("csrf"))) {
            return pages.forbidden();
        }
        String email = form.getOrDefault("email", "").trim().toLowerCase(Locale.ROOT);
        if (email.length() > SignInLimits.MAX_EMAIL) {
            // No user has such an e-mail: answered before any limit or bcrypt, and never kept as a key.
            return loginForm(HttpStatus.OK, "Wrong e-mail or password.", null, "");
        }
        String device = device(request, email);
        long wait = limits.signIn(email.isEmpty() ? "-" : email, client(request), device);
        if (wait > 0) {
            return refused(HttpStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts. Wait " + wait + " seconds and try again.", wait);
        }
        MerchantUser user;
        try {
            user = users.signIn(email, form.get("password"), device != null);
        } catch (PasswordChecks.Busy e) {
            return refused(HttpStatus.SERVICE_UNAVAILABLE, "Sign-in is busy right now. Try again in a few seconds.", 5);
        }
        if (user == null) {
            // The form again, with the message (200, as sign-in pages do; 401 belongs to HTTP authentication).
            return loginForm(HttpStatus.OK, "Wrong e-mail or password.", null, email);
        }
        if (!users.merchantActive(user.getMerchantId())) {
            return loginForm(HttpStatus.FORBIDDEN, DashboardPages.DONE.get("closed"), null, email);
        }
        if (user.getTotpSecret() != null) {
            // The password was right; the session waits for the code (a signed 5-minute token, no server state).
            return codeForm(HttpStatus.OK, sessions.passedPassword(user, clock.instant()), null);
        }
        return signedIn(user);
    }

    /** {@code POST /dashboard/login/code}: the second step, the 6-digit code of the user's authenticator app (each code once). */
    @Post("/login/code")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> loginCode(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        if (!sessions.loginCsrfMatches(request, form.get("csrf"))) {
            return pages.forbidden();
        }
        String token = form.get("step");
        String email = sessions.passedPasswordOf(token, clock.instant());
        MerchantUser user = email == null ? null : users.user(email);
        if (user == null) {
            return loginForm(HttpStatus.OK, "That took too long; sign in again.", null, "");
        }
        long wait = limits.signIn(email, client(request), device(request, email));
        if (wait > 0) {
            return tooMany(codeForm(HttpStatus.TOO_MANY_REQUESTS, token, "Too many attempts. Wait " + wait + " seconds and try again."), wait);
        }
        if (!users.merchantActive(user.getMerchantId())) {
            return loginForm(HttpStatus.FORBIDDEN, DashboardPages.DONE.get("closed"), null, email);
        }
        if (!users.useCode(user, form.get("code"))) {
            return codeForm(HttpStatus.OK, token, "That code is not right, or was used already. Type the 6 digits your app shows now.");
        }
        return signedIn(user);
    }

    /** A successful sign-in: the session cookie, and the device cookie that keeps this browser's tries its own. */
    private MutableHttpResponse<?> signedIn(MerchantUser user) {
        return pages.redirect("/dashboard")
                .header("Set-Cookie", sessions.cookie(DashboardSessions.COOKIE, sessions.issue(user, clock.instant()), DashboardSessions.LIFETIME, "Lax"))
                .header("Set-Cookie", sessions.cookie(DEVICE_COOKIE, sessions.device(user.getEmail()), "/dashboard/login", Duration.ofDays(365), "Strict"));
    }

    private String client(HttpRequest<?> request) {
        return ClientAddress.limitKey(request, settings.trustForwardedFor());
    }

    private String device(HttpRequest<?> request, String email) {
        return sessions.deviceOf(request.getCookies().findCookie(DEVICE_COOKIE).map(Cookie::getValue).orElse(null), email);
    }

    private static MutableHttpResponse<?> tooMany(MutableHttpResponse<?> page, long seconds) {
        return page.header("Retry-After", Long.toString(seconds));
    }

    /**
     * A refused sign-in try (a limit, or bcrypt busy): a small fixed page, not the templated form. These are what a
     * guessing crowd gets by the thousand a second, so each costs no more than a string (docs/BENCHMARKS.md, "Sign-in
     * under a guessing crowd"); the link leads back to the form.
     */
    private static MutableHttpResponse<?> refused(HttpStatus status, String message, long seconds) {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                + "content=\"width=device-width, initial-scale=1\"><title>Sign in · Kassa dashboard</title>"
                + "<link rel=\"stylesheet\" href=\"/dashboard/assets/kassa.css\"></head><body><main id=\"main\" class=\"narrow\">"
                + "<h1>Sign in to your Kassa dashboard</h1><div class=\"card\"><p class=\"error\" role=\"alert\">" + message
                + "</p><p><a href=\"/dashboard/login\">Back to sign-in</a></p></div></main></body></html>";
        return HttpResponse.status(status).body(html).contentType(MediaType.TEXT_HTML_TYPE)
                .header("Content-Security-Policy", DashboardPages.PAGE_POLICY).header("Retry-After", Long.toString(seconds));
    }

    private MutableHttpResponse<?> codeForm(HttpStatus status, String token, String error) {
        String csrf = Secrets.randomToken();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Two-step sign-in");
        model.put("csrf", csrf);
        model.put("step", token);
        model.put("error", error);
        return pages.render(status, "dashboard/two-step", model).header("Set-Cookie", sessions.loginCsrfCookie(csrf));
    }

    @Post("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> logout(DashboardSessions.Principal who) throws Exception {
        // On the server too: every cookie of this user issued until now stops working, copies included.
        MerchantUser user = users.user(who.email());
        if (user != null) {
            users.endSessions(user);
        }
        return pages.redirect("/dashboard/login?done=signed-out")
                .header("Set-Cookie", sessions.cookie(DashboardSessions.COOKIE, "", Duration.ZERO, "Lax"));
    }

    @Get(value = "/assets/kassa.css", produces = "text/css")
    HttpResponse<String> stylesheet() throws IOException {
        try (InputStream in = SignInController.class.getResourceAsStream("/views/dashboard/kassa.css")) {
            return HttpResponse.ok(new String(in.readAllBytes(), StandardCharsets.UTF_8)).header("Cache-Control", "public, max-age=3600");
        }
    }

    private MutableHttpResponse<?> loginForm(HttpStatus status, String error, String done, String email) {
        String csrf = Secrets.randomToken();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Sign in");
        model.put("csrf", csrf);
        model.put("error", error);
        model.put("done", done);
        model.put("email", email);
        return pages.render(status, "dashboard/login", model).header("Set-Cookie", sessions.loginCsrfCookie(csrf));
    }

}
