package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.accounts.PasswordChecks;
import dev.kassa.gateway.accounts.Passwords;
import dev.kassa.schemas.avro.MerchantUser;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Re-authentication for the dashboard's sensitive actions (SPEC.md, "Accounts"): a new API key, the payout wallet, a
 * two-step change, a new endpoint or an endpoint's new secret. A stolen cookie signs its holder in, but these also ask
 * for the user's password, and a fresh code when two-step sign-in is on. The first post of such a form answers a
 * "confirm it is you" page that carries the form's own fields along; its post comes back to the same action with the
 * password (and code), checked here: bcrypt on its bounded threads, the tries limited per user, each code used once.
 */
@Singleton
final class Confirmations {

    /** Fields that are the confirmation's own, never carried along. */
    private static final Set<String> OWN = Set.of("csrf", "password", "code");
    /** A form of the dashboard has a dozen fields; more is not one of its forms. */
    private static final int MAX_FIELDS = 32;

    private final MerchantUsers users;
    private final PasswordChecks passwords;
    private final SignInLimits limits;
    private final DashboardPages pages;

    Confirmations(MerchantUsers users, PasswordChecks passwords, SignInLimits limits, DashboardPages pages) {
        this.users = users;
        this.passwords = passwords;
        this.limits = limits;
        this.pages = pages;
    }

    /**
     * Null when {@code form} carries the signed-in user's right password (and an unused right code when two-step is on):
     * the action may go on. Otherwise the page to answer: the confirmation form, again with what was wrong.
     *
     * @param action where the confirmed form posts (the action being confirmed)
     * @param what   what is being confirmed, in the words of the button the user pressed
     */
    MutableHttpResponse<?> refusal(DashboardSessions.Principal who, Map<String, String> form, String action, String what) throws Exception {
        MerchantUser user = users.user(who.email());
        boolean twoStep = user != null && user.getTotpSecret() != null;
        if (!form.containsKey("password")) {
            return page(who, form, action, what, twoStep, HttpStatus.OK, null);
        }
        if (user == null) {
            return DashboardPages.redirect("/dashboard/login");
        }
        long wait = limits.confirm(who.email());
        if (wait > 0) {
            return page(who, form, action, what, twoStep, HttpStatus.TOO_MANY_REQUESTS,
                    "Too many tries. Wait " + wait + " seconds and try again.").header("Retry-After", Long.toString(wait));
        }
        boolean right;
        try {
            right = passwords.matches(user.getPasswordHash(), form.get("password"), true); // a signed-in user: the known lane
        } catch (PasswordChecks.Busy e) {
            return page(who, form, action, what, twoStep, HttpStatus.SERVICE_UNAVAILABLE,
                    "Passwords cannot be checked right now (many sign-ins). Try again in a few seconds.").header("Retry-After", "5");
        }
        if (!right) {
            // 200 with the message, as the sign-in page answers a wrong password (a form asking again, not a broken request).
            return page(who, form, action, what, twoStep, HttpStatus.OK, "That password is not right.");
        }
        if (twoStep && !users.useCode(user, form.get("code"))) {
            return page(who, form, action, what, twoStep, HttpStatus.OK,
                    "That code is not right, or was used already. Type the 6 digits your app shows now.");
        }
        return null;
    }

    private MutableHttpResponse<?> page(DashboardSessions.Principal who, Map<String, String> form, String action, String what,
                                        boolean twoStep, HttpStatus status, String error) {
        List<Map<String, String>> carried = new ArrayList<>();
        for (Map.Entry<String, String> field : form.entrySet()) {
            if (!OWN.contains(field.getKey()) && carried.size() < MAX_FIELDS) {
                carried.add(Map.of("name", field.getKey(), "value", field.getValue() == null ? "" : field.getValue()));
            }
        }
        Map<String, Object> model = new LinkedHashMap<>(pages.base(who, "Confirm it is you", "settings"));
        model.put("action", action);
        model.put("what", what);
        model.put("fields", carried);
        model.put("twoStep", twoStep);
        model.put("error", error);
        return pages.render(status, "dashboard/confirm", model);
    }
}
