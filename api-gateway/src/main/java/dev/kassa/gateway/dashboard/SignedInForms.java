package dev.kassa.gateway.dashboard;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard's form check, once for every form: a post to any dashboard address goes on only from a signed-in user
 * of an enabled merchant (else 303 to sign-in) whose form carries this session's CSRF token (else the 403 page), before
 * its handler runs. A handler cannot forget it, and a new form needs nothing to be covered. The sign-in forms are the
 * exception: nobody is signed in yet, so they carry the sign-in page's own token (a double-submit cookie), checked by
 * their handlers. The signed-in user found here is handed to {@link SignedInUsers}, so the cookie is verified once.
 */
@ServerFilter(value = "/dashboard/**", methods = HttpMethod.POST)
final class SignedInForms {

    static final Set<String> SIGN_IN_FORMS = Set.of("/dashboard/login", "/dashboard/login/code", "/dashboard/set-password");
    static final String PRINCIPAL = "kassa.dashboard.principal";
    /** A dashboard form has a dozen fields; the token is looked for among the first 64 and no further. */
    private static final int MAX_FIELDS = 64;

    private final DashboardPages pages;

    SignedInForms(DashboardPages pages) {
        this.pages = pages;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    HttpResponse<?> check(HttpRequest<?> request, @Nullable @Body String body) {
        if (SIGN_IN_FORMS.contains(request.getPath())) {
            return null;
        }
        Optional<DashboardSessions.Principal> who = pages.who(request);
        if (who.isEmpty()) {
            return DashboardPages.redirect("/dashboard/login");
        }
        if (!pages.csrf(who.get(), token(request, body))) {
            return pages.forbidden();
        }
        request.setAttribute(PRINCIPAL, who.get());
        return null;
    }

    /** The form's {@code csrf} field; null when the body is no form, has none, or cannot be decoded. */
    static String token(HttpRequest<?> request, String body) {
        if (body == null || !request.getContentType().map(t -> t.matches(MediaType.APPLICATION_FORM_URLENCODED_TYPE)).orElse(false)) {
            return null;
        }
        try {
            List<String> values = new QueryStringDecoder(body, StandardCharsets.UTF_8, false, MAX_FIELDS).parameters().get("csrf");
            return values == null || values.size() != 1 ? null : values.get(0);
        } catch (IllegalArgumentException e) {
            return null; // a broken escape (%zz): not a form of the dashboard
        }
    }
}
