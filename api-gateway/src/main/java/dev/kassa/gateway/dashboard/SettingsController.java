package dev.kassa.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.accounts.MerchantChanges;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;

/**
 * The merchant's settings page: webhook URL, domains, checkout settings, payout wallet and crypto, written with the
 * operator's own checks (the endpoints' forms: {@link EndpointSettingsController}; API key and two-step:
 * {@link AccountController}).
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SettingsController {

    private final MerchantChanges changes;
    private final DashboardPages pages;
    private final SettingsPage page;
    private final Confirmations confirmations;

    SettingsController(MerchantChanges changes, DashboardPages pages, SettingsPage page, Confirmations confirmations) {
        this.changes = changes;
        this.pages = pages;
        this.page = page;
        this.confirmations = confirmations;
    }

    @Get("/settings")
    HttpResponse<?> settingsPage(DashboardSessions.Principal who, HttpRequest<?> request) {
        String done = request.getParameters().get("done");
        return settingsForm(who, HttpStatus.OK, null, done == null ? null : DashboardPages.DONE.get(done));
    }

    @Post("/settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> saveSettings(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        if (!pages.csrf(who, form)) {
            return pages.forbidden();
        }
        // Only what a merchant may change; the same checks as the operator's PATCH.
        ObjectNode change = Json.MAPPER.createObjectNode();
        String url = form.getOrDefault("webhook_url", "").trim();
        if (url.isEmpty()) {
            change.putNull("webhook_url");
        } else {
            change.put("webhook_url", url);
        }
        ArrayNode domains = change.putArray("domains");
        for (String d : form.getOrDefault("domains", "").split("[\\s,]+")) {
            if (!d.isBlank()) {
                domains.add(d.trim());
            }
        }
        putInt(change, "session_ttl_seconds", form.get("session_ttl_seconds"));
        putInt(change, "grace_seconds", form.get("grace_seconds"));
        if (form.get("late_payment_policy") != null) {
            change.put("late_payment_policy", form.get("late_payment_policy"));
        }
        SettingsPage.list(change, "routing_allow", form.get("routing_allow"));
        SettingsPage.list(change, "routing_block", form.get("routing_block"));
        try {
            changes.change(who.merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=settings");
    }

    /** {@code POST /dashboard/settings/crypto}: the payout wallet (an empty address removes it) and crypto checkout on or off. */
    @Post("/settings/crypto")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> crypto(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        Confirmations.Guarded guarded = confirmations.guard(request, form, "/dashboard/settings/crypto", "change the payout wallet");
        if (guarded.refusal() != null) {
            return guarded.refusal();
        }
        DashboardSessions.Principal who = guarded.who();
        ObjectNode change = Json.MAPPER.createObjectNode();
        String address = form.getOrDefault("address", "").trim();
        if (address.isEmpty()) {
            change.putNull("payout_wallet");
        } else {
            change.putObject("payout_wallet").put("network", form.getOrDefault("network", "polygon"))
                    .put("asset", form.getOrDefault("asset", "USDC")).put("address", address);
        }
        change.put("crypto_enabled", "on".equals(form.get("crypto_enabled")) || "true".equals(form.get("crypto_enabled")));
        try {
            changes.change(who.merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "Payout wallet not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=crypto");
    }

    private static void putInt(ObjectNode change, String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return;
        }
        try {
            change.put(field, Integer.parseInt(raw.trim()));
        } catch (NumberFormatException e) {
            change.put(field, raw.trim()); // refused with the field's own code and message
        }
    }

    private HttpResponse<?> settingsForm(DashboardSessions.Principal who, HttpStatus status, String error, String done) {
        return page.render(who, status, error, done);
    }

}
