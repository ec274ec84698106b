package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.MerchantChanges;
import dev.kassa.gateway.accounts.MerchantPatch;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.LatePaymentPolicy;
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
        // Only what a merchant may change; the same command, and so the same checks, as the operator's PATCH.
        MerchantPatch change;
        try {
            change = settingsPatch(form);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        try {
            changes.change(who.merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=settings");
    }

    /**
     * {@code POST /dashboard/settings/profile}: the name, support e-mail and support page buyers see (empty removes each),
     * and what every buyer is asked when a session does not say (its collect defaults).
     */
    @Post("/settings/profile")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> profile(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MerchantPatch change = MerchantPatch.builder().displayName(form.get("display_name")).supportEmail(form.get("support_email"))
                .supportUrl(form.get("support_url")).collectDefaults(new Collect("on".equals(form.get("collect_name")),
                        "on".equals(form.get("collect_phone")), "on".equals(form.get("collect_billing_address")),
                        "on".equals(form.get("collect_shipping_address")))).build();
        try {
            changes.change(who.merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "What buyers see was not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=profile");
    }

    /** {@code POST /dashboard/settings/crypto}: the payout wallet (an empty address removes it) and crypto checkout on or off. */
    @Post("/settings/crypto")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> crypto(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/crypto", "change the payout wallet");
        if (refused != null) {
            return refused;
        }
        String address = form.getOrDefault("address", "").trim();
        MerchantPatch change = MerchantPatch.builder()
                .payoutWallet(address.isEmpty() ? null : new MerchantPatch.Wallet(form.getOrDefault("network", "polygon"),
                        form.getOrDefault("asset", "USDC"), address))
                .cryptoEnabled("on".equals(form.get("crypto_enabled")) || "true".equals(form.get("crypto_enabled")))
                .build();
        try {
            changes.change(who.merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who, HttpStatus.BAD_REQUEST, "Payout wallet not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=crypto");
    }

    /** The settings form as a patch: the webhook URL (empty removes it), domains, ttl, grace, the late-payment policy, routing lists. */
    private static MerchantPatch settingsPatch(Map<String, String> form) {
        String url = form.getOrDefault("webhook_url", "").trim();
        MerchantPatch.Builder patch = MerchantPatch.builder().webhookUrl(url.isEmpty() ? null : url)
                .domains(SettingsPage.list(form.getOrDefault("domains", "")));
        String ttl = form.get("session_ttl_seconds");
        if (ttl != null && !ttl.isBlank()) {
            patch.sessionTtlSeconds(MerchantChanges.wholeNumber(ttl, ErrorCode.INVALID_SESSION_TTL_SECONDS,
                    MerchantPatch.MIN_SESSION_TTL_SECONDS, MerchantPatch.MAX_SESSION_TTL_SECONDS));
        }
        String grace = form.get("grace_seconds");
        if (grace != null && !grace.isBlank()) {
            patch.graceSeconds(MerchantChanges.wholeNumber(grace, ErrorCode.INVALID_GRACE_SECONDS,
                    MerchantPatch.MIN_GRACE_SECONDS, MerchantPatch.MAX_GRACE_SECONDS));
        }
        if (form.get("late_payment_policy") != null) {
            patch.latePaymentPolicy(MerchantChanges.choice(LatePaymentPolicy.class, form.get("late_payment_policy"),
                    ErrorCode.INVALID_LATE_PAYMENT_POLICY, "review or auto_refund"));
        }
        if (form.get("routing_allow") != null) {
            patch.routingAllow(SettingsPage.list(form.get("routing_allow")));
        }
        if (form.get("routing_block") != null) {
            patch.routingBlock(SettingsPage.list(form.get("routing_block")));
        }
        return patch.build();
    }

    private HttpResponse<?> settingsForm(DashboardSessions.Principal who, HttpStatus status, String error, String done) {
        return page.render(who, status, error, done);
    }

}
