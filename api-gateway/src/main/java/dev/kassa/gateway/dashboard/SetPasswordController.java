package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.accounts.PasswordChecks;
import dev.kassa.gateway.accounts.Passwords;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.schemas.avro.MerchantUser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Setting a password from the operator's one-time link (SPEC.md, "Merchant dashboard"): the link's token names the
 * user, the form carries the sign-in forms' double-submitted token, and the new password is checked before it is hashed.
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SetPasswordController {

    private final MerchantUsers users;
    private final DashboardSessions sessions;
    private final DashboardPages pages;

    SetPasswordController(MerchantUsers users, DashboardSessions sessions, DashboardPages pages) {
        this.users = users;
        this.sessions = sessions;
        this.pages = pages;
    }

    @Get("/set-password")
    HttpResponse<?> setPasswordPage(@Nullable @QueryValue("token") String token) {
        MerchantUser user = users.byToken(token);
        if (user == null) {
            return pages.render(HttpStatus.GONE, "dashboard/message", Map.of("title", "Link not valid",
                    "message", "This link is not valid any more (used, or older than 72 hours). Ask your operator for a new one."));
        }
        String csrf = Secrets.randomToken();
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("title", "Set your password");
        model.put("email", user.getEmail());
        model.put("token", token);
        model.put("csrf", csrf);
        model.put("minimum", Passwords.MIN_CHARACTERS);
        return pages.render(HttpStatus.OK, "dashboard/set-password", model).header("Set-Cookie", sessions.loginCsrfCookie(csrf));
    }

    @Post("/set-password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> setPassword(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        if (!sessions.loginCsrfMatches(request, form.get("csrf"))) {
            return pages.forbidden();
        }
        MerchantUser user = users.byToken(form.get("token"));
        if (user == null) {
            return pages.render(HttpStatus.GONE, "dashboard/message", Map.of("title", "Link not valid",
                    "message", "This link is not valid any more (used, or older than 72 hours). Ask your operator for a new one."));
        }
        String password = form.getOrDefault("password", "");
        String problem = Passwords.problem(password);
        if (problem == null && !password.equals(form.get("confirm"))) {
            problem = "The two passwords differ; type the same one twice.";
        }
        if (problem != null) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("title", "Set your password");
            model.put("email", user.getEmail());
            model.put("token", form.get("token"));
            model.put("csrf", form.get("csrf"));
            model.put("minimum", Passwords.MIN_CHARACTERS);
            model.put("error", problem);
            return pages.render(HttpStatus.BAD_REQUEST, "dashboard/set-password", model);
        }
        try {
            users.setPassword(user, password);
        } catch (PasswordChecks.Busy e) {
            return pages.render(HttpStatus.SERVICE_UNAVAILABLE, "dashboard/message", Map.of("title", "Busy",
                    "message", "Passwords cannot be set right now (many sign-ins). Go back and try again in a few seconds."))
                    .header("Retry-After", "5");
        }
        return pages.redirect("/dashboard/login?done=password-set");
    }
}
