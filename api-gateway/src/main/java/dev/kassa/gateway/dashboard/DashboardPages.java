package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.UserStore;
import dev.kassa.gateway.pages.PageTemplates;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every dashboard page shares: who is signed in (the signed cookie), the model every page gets (the user, the
 * merchant, the CSRF token), rendering (here, not in the views filter: a template that fails is a logged 500 page at
 * once), and the answers that are the same everywhere (redirects, the 403 and 404 pages).
 */
@Singleton
final class DashboardPages {

    /** Pages load their stylesheet from here and nothing else; forms post only here. */
    public static final String PAGE_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";
    /** What a finished action says on the page it returns to: fixed texts, never the request's words. */
    static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("link-created", "The payment link is made: copy its address below and share it."),
            Map.entry("link-changed", "The payment link is changed."),
            Map.entry("product-created", "The product is made: its page is listed below."),
            Map.entry("product-changed", "The product is changed."),
            Map.entry("crypto", "Payout wallet and crypto checkout saved."),
            Map.entry("profile", "Saved: buyers see it on their next page."),
            Map.entry("resent", "The webhook is queued to be sent again; its attempt appears below in a moment."),
            Map.entry("refund", "The refund was asked of the provider; it appears below."),
            Map.entry("reviewed", "The review is resolved; the timeline below shows what followed."),
            Map.entry("refund-refused", "The provider refused the refund; nothing was refunded."),
            Map.entry("cancelled", "The session is cancelled."),
            Map.entry("settings", "Settings saved."),
            Map.entry("two-step-on", "Two-step sign-in is on: from now on, signing in asks for a code from your app."),
            Map.entry("two-step-off", "Two-step sign-in is off: signing in asks for your password only."),
            Map.entry("endpoint-changed", "The endpoint is changed."),
            Map.entry("endpoint-deleted", "The endpoint is deleted: it gets no more webhooks."),
            Map.entry("password-set", "Your password is set. Sign in with it."),
            Map.entry("signed-out", "You are signed out."),
            Map.entry("closed", "This dashboard is closed: the operator has disabled its merchant. Ask your operator."));

    private final MerchantDirectory merchantDirectory;
    private final UserStore userStore;
    private final DashboardSessions sessions;
    private final Clock clock;
    private final PageTemplates templates;

    DashboardPages(MerchantDirectory merchantDirectory, UserStore userStore, DashboardSessions sessions, Clock clock,
                   PageTemplates templates) {
        this.merchantDirectory = merchantDirectory;
        this.userStore = userStore;
        this.sessions = sessions;
        this.clock = clock;
        this.templates = templates;
    }

    /** Whether a signed-in page's form carried this session's CSRF token ({@link SignedInForms} asks, for every form). */
    boolean csrf(DashboardSessions.Principal who, String token) {
        return sessions.csrfMatches(who, token);
    }

    Optional<DashboardSessions.Principal> who(HttpRequest<?> request) {
        String cookie = request.getCookies().findCookie(DashboardSessions.COOKIE).map(Cookie::getValue).orElse(null);
        // A merchant the operator disabled is turned away at every page and form, whatever cookie its users hold.
        return sessions.verify(cookie, clock.instant(), userStore::user).filter(p -> {
            Merchant merchant = merchantDirectory.merchant(p.merchantId());
            return merchant != null && !merchant.getDisabled();
        });
    }

    Map<String, Object> base(DashboardSessions.Principal who, String title, String active) {
        Map<String, Object> model = new LinkedHashMap<>();
        Merchant m = merchantDirectory.merchant(who.merchantId());
        model.put("title", title);
        model.put("active", active);
        model.put("user", who.email());
        model.put("merchant", m == null ? "" : m.getEmail());
        model.put("csrf", sessions.csrf(who));
        return model;
    }

    MutableHttpResponse<?> forbidden() {
        return render(HttpStatus.FORBIDDEN, "dashboard/message", Map.of("title", "Refused",
                "message", "This form was not sent from a page of your dashboard (its security token is missing or old). Go back, reload, and try again."));
    }

    static MutableHttpResponse<?> redirect(String to) {
        return HttpResponse.seeOther(URI.create(to));
    }

    /** A dashboard page; a template that fails is a 500 page of its own ({@link PageTemplates}). */
    MutableHttpResponse<?> render(HttpStatus status, String view, Map<String, ?> model) {
        String html = templates.render(view, model).orElse(null);
        if (html == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Kassa dashboard</title>"
                    + "<link rel=\"stylesheet\" href=\"/dashboard/assets/kassa.css\"></head><body><main id=\"main\" class=\"narrow\">"
                    + "<h1>Something went wrong</h1><p>This page could not be shown. It is logged; try again, or go "
                    + "<a href=\"/dashboard\">back to the dashboard</a>.</p></main></body></html>";
        }
        // Referrer-Policy same-origin, not the API's no-referrer: with no-referrer the browser sends "Origin: null" on the
        // page's form posts, which the server refuses as cross-origin.
        return HttpResponse.status(status).body(html).header("Content-Security-Policy", PAGE_POLICY)
                .header("Referrer-Policy", "same-origin").contentType(MediaType.TEXT_HTML_TYPE);
    }
}
