package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.KeyRotation;
import dev.kassa.gateway.accounts.MerchantChanges;
import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.accounts.TwoStep;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.util.Map;

/**
 * What keeps the merchant's account its own: a new API key and two-step sign-in on or off. Each asks for the password
 * again (and a code when two-step is on) through {@link Confirmations}: a stolen cookie alone changes none of them.
 */
@Controller("/dashboard/settings")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class AccountController {

    private static final String TWO_STEP_KEY = "two-step-key";

    private final MerchantChanges changes;
    private final DashboardPages pages;
    private final DashboardSessions sessions;
    private final MerchantUsers users;
    private final Confirmations confirmations;
    private final SignInLimits limits;
    private final Clock clock;

    AccountController(MerchantChanges changes, DashboardPages pages, DashboardSessions sessions, MerchantUsers users,
                      Confirmations confirmations, SignInLimits limits, Clock clock) {
        this.changes = changes;
        this.pages = pages;
        this.sessions = sessions;
        this.users = users;
        this.confirmations = confirmations;
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * {@code POST /dashboard/settings/api-key}: a new API key, shown once on the page this answers; the current one keeps
     * working for the chosen overlap (24 hours, 1 hour, or not at all), as the operator's rotation does.
     */
    @Post("/api-key")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> rotateKey(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/api-key", "issue a new API key");
        if (refused != null) {
            return refused;
        }
        long overlap = switch (form.getOrDefault("overlap", "")) {
            case "0" -> 0;
            case "3600" -> 3600;
            default -> 86_400;
        };
        KeyRotation.RotatedKey rotated = changes.rotateKey(who.merchantId(), new KeyRotation(overlap));
        Map<String, Object> model = pages.base(who, "Your new API key", "settings");
        model.put("apiKey", rotated.apiKey());
        model.put("previousUntil", rotated.previousKeyExpiresAt() == null ? null : rotated.previousKeyExpiresAt().toString());
        return pages.render(HttpStatus.OK, "dashboard/api-key", model);
    }

    /**
     * {@code POST /dashboard/settings/two-step}: after the password, a new key to add to an authenticator app (vouched for
     * this session, so that no other key can be confirmed), and the code that proves it is there.
     */
    @Post("/two-step")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> twoStepSetup(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/two-step", "set up two-step sign-in");
        if (refused != null) {
            return refused;
        }
        return twoStepPage(who, HttpStatus.OK, TwoStep.newKey(), null);
    }

    /** {@code POST /dashboard/settings/two-step/confirm}: with a right code for the key this session was given, two-step sign-in is on. */
    @Post("/two-step/confirm")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> twoStepConfirm(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        String key = form.getOrDefault("key", "");
        if (!key.matches("[A-Z2-7]{32}") || !sessions.vouched(who, TWO_STEP_KEY, key, form.get("proof"))) {
            return pages.render(HttpStatus.FORBIDDEN, "dashboard/message", Map.of("title", "Refused",
                    "message", "That key was not given to this session. Start the set-up again from the settings page."));
        }
        long wait = limits.confirm(who.email());
        if (wait > 0) {
            return twoStepPage(who, HttpStatus.TOO_MANY_REQUESTS, key, "Too many tries. Wait " + wait + " seconds and try again.")
                    .header("Retry-After", Long.toString(wait));
        }
        var user = users.user(who.email());
        long step = TwoStep.step(key, form.get("code"), clock.instant(), user.getTotpLastStep());
        if (step < 0) {
            return twoStepPage(who, HttpStatus.BAD_REQUEST, key, "That code is not right. Type the 6 digits your app shows now for Kassa.");
        }
        users.setTwoStep(user, key, step);
        return pages.redirect("/dashboard/settings?done=two-step-on");
    }

    /** {@code POST /dashboard/settings/two-step/off}: with the password and a right code, back to the password alone. */
    @Post("/two-step/off")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> twoStepOff(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/two-step/off", "turn two-step sign-in off");
        if (refused != null) {
            return refused;
        }
        users.setTwoStep(users.user(who.email()), null, 0);
        return pages.redirect("/dashboard/settings?done=two-step-off");
    }

    private MutableHttpResponse<?> twoStepPage(DashboardSessions.Principal who, HttpStatus status, String key, String error) {
        Map<String, Object> model = pages.base(who, "Two-step sign-in", "settings");
        model.put("key", key);
        model.put("proof", sessions.vouch(who, TWO_STEP_KEY, key));
        model.put("grouped", TwoStep.grouped(key));
        model.put("uri", TwoStep.otpauthUri(who.email(), key));
        model.put("error", error);
        return pages.render(status, "dashboard/two-step-setup", model);
    }
}
