package dev.kassa.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.Json;
import dev.kassa.gateway.kafka.KafkaBackend;
import dev.kassa.gateway.operator.MerchantChanges;
import dev.kassa.schemas.avro.Merchant;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The merchant's settings page: webhook URL, domains, checkout settings, written with the operator's own checks. */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SettingsController {

    private final KafkaBackend kafka;
    private final MerchantChanges changes;
    private final DashboardPages pages;

    SettingsController(KafkaBackend kafka, MerchantChanges changes, DashboardPages pages) {
        this.kafka = kafka;
        this.changes = changes;
        this.pages = pages;
    }

    @Get("/settings")
    HttpResponse<?> settingsPage(HttpRequest<?> request) {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        if (who.isEmpty()) {
            return pages.redirect("/dashboard/login");
        }
        String done = request.getParameters().get("done");
        return settingsForm(who.get(), HttpStatus.OK, null, done == null ? null : DashboardPages.DONE.get(done));
    }

    @Post("/settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> saveSettings(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        if (who.isEmpty()) {
            return pages.redirect("/dashboard/login");
        }
        if (!pages.csrf(who.get(), form)) {
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
        try {
            changes.change(who.get().merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=settings");
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
        Merchant m = kafka.merchant(who.merchantId());
        Map<String, Object> model = pages.base(who, "Settings", "settings");
        model.put("webhookUrl", m.getWebhookUrl() == null ? "" : m.getWebhookUrl());
        model.put("domains", String.join("\n", m.getDomains()));
        model.put("ttl", m.getSessionTtlSeconds());
        model.put("grace", m.getGraceSeconds());
        model.put("policy", m.getLatePaymentPolicy().name().toLowerCase(Locale.ROOT));
        model.put("error", error);
        model.put("done", done);
        return pages.render(status, "dashboard/settings", model);
    }

}
