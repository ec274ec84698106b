package dev.kassa.gateway.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.Json;
import dev.kassa.gateway.kafka.KafkaBackend;
import dev.kassa.gateway.operator.MerchantChanges;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
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

/** The merchant's settings page: webhook URL, domains, checkout settings, payout wallet and crypto, written with the operator's own checks. */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SettingsController {

    private final KafkaBackend kafka;
    private final MerchantChanges changes;
    private final dev.kassa.gateway.operator.WebhookEndpointChanges endpoints;
    private final DashboardPages pages;

    private final MerchantUsers users;
    private final Confirmations confirmations;

    SettingsController(KafkaBackend kafka, MerchantChanges changes, dev.kassa.gateway.operator.WebhookEndpointChanges endpoints,
                       DashboardPages pages, MerchantUsers users, Confirmations confirmations) {
        this.users = users;
        this.confirmations = confirmations;
        this.kafka = kafka;
        this.endpoints = endpoints;
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
        MutableHttpResponse<?> refused = pages.refusal(who, form);
        if (refused != null) {
            return refused;
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
        list(change, "routing_allow", form.get("routing_allow"));
        list(change, "routing_block", form.get("routing_block"));
        try {
            changes.change(who.get().merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.BAD_REQUEST, "Not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=settings");
    }

    /**
     * {@code POST /dashboard/settings/endpoints}: another webhook endpoint (URL, the statuses it wants, a description),
     * checked as the operator API checks it; its signing secret is shown once on the page this answers.
     */
    @Post("/settings/endpoints")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> addEndpoint(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        MutableHttpResponse<?> refused = pages.refusal(who, form);
        if (refused != null) {
            return refused;
        }
        refused = confirmations.refusal(who.get(), form, "/dashboard/settings/endpoints", "add a webhook endpoint");
        if (refused != null) {
            return refused;
        }
        ObjectNode endpoint = Json.MAPPER.createObjectNode().put("url", form.getOrDefault("url", "").trim());
        String events = form.getOrDefault("events", "").trim();
        list(endpoint, "event_filter", events.isEmpty() ? "*" : events);
        String description = form.getOrDefault("description", "").trim();
        if (!description.isEmpty()) {
            endpoint.put("description", description);
        }
        Map<String, Object> added;
        try {
            added = endpoints.add(who.get().merchantId(), endpoint);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.BAD_REQUEST, "Endpoint not added: " + e.getMessage(), null);
        }
        Map<String, Object> model = pages.base(who.get(), "Endpoint added", "settings");
        model.put("url", endpoint.get("url").asText());
        model.put("secret", added.get("secret"));
        return pages.render(HttpStatus.OK, "dashboard/endpoint-added", model);
    }

    /**
     * {@code POST /dashboard/settings/endpoints/{id}}: {@code action=save} sets the endpoint's throttle and turns it on
     * or off (turning on re-enables one the relay disabled after a 410); {@code action=rotate} gives it a new signing
     * secret, shown once, the old one signing too for 24 hours; {@code action=end-overlap} stops the old one signing now.
     * The operator API's {@code PATCH} code.
     */
    @Post("/settings/endpoints/{endpointId}")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> changeEndpoint(HttpRequest<?> request, @io.micronaut.http.annotation.PathVariable String endpointId,
                                   @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        MutableHttpResponse<?> refused = pages.refusal(who, form);
        if (refused != null) {
            return refused;
        }
        ObjectNode change = Json.MAPPER.createObjectNode();
        boolean rotate = "rotate".equals(form.get("action"));
        boolean endOverlap = "end-overlap".equals(form.get("action"));
        if (!endpointId.matches("[A-Za-z0-9_-]{1,64}")) {
            return settingsForm(who.get(), HttpStatus.NOT_FOUND, "Endpoint not changed: there is no such endpoint.", null);
        }
        if (rotate) {
            refused = confirmations.refusal(who.get(), form, "/dashboard/settings/endpoints/" + endpointId, "give the endpoint a new secret");
            if (refused != null) {
                return refused;
            }
            change.put("rotate_secret", true);
        } else if (endOverlap) {
            change.put("end_secret_overlap", true);
        } else {
            change.put("enabled", "on".equals(form.get("enabled")) || "true".equals(form.get("enabled")));
            String throttle = form.getOrDefault("max_per_second", "").trim();
            if (throttle.isEmpty()) {
                change.putNull("max_per_second");
            } else {
                try {
                    change.put("max_per_second", Integer.parseInt(throttle));
                } catch (NumberFormatException e) {
                    change.put("max_per_second", throttle); // refused with invalid_max_per_second and its message
                }
            }
        }
        Map<String, Object> answer;
        try {
            answer = endpoints.update(who.get().merchantId(), endpointId, change);
        } catch (ApiError e) {
            return settingsForm(who.get(), "not_found".equals(e.code()) ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST,
                    "Endpoint not changed: " + e.getMessage(), null);
        }
        if (!rotate) {
            return pages.redirect("/dashboard/settings?done=endpoint-changed");
        }
        Map<String, Object> model = pages.base(who.get(), "New endpoint secret", "settings");
        model.put("url", WebhookEndpoints.of(kafka.merchant(who.get().merchantId()), key -> kafka.endpointFact(key)).stream()
                .filter(e -> e.id().equals(endpointId)).map(WebhookEndpoints.Endpoint::url).findFirst().orElse(""));
        model.put("secret", answer.get("secret"));
        model.put("rotated", true);
        return pages.render(HttpStatus.OK, "dashboard/endpoint-added", model);
    }

    /** {@code POST /dashboard/settings/endpoints/{id}/delete}: the endpoint stops getting webhooks. */
    @Post("/settings/endpoints/{endpointId}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> deleteEndpoint(HttpRequest<?> request, @io.micronaut.http.annotation.PathVariable String endpointId,
                                   @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        MutableHttpResponse<?> refused = pages.refusal(who, form);
        if (refused != null) {
            return refused;
        }
        try {
            endpoints.delete(who.get().merchantId(), endpointId);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.NOT_FOUND, "No such endpoint: it was deleted already.", null);
        }
        return pages.redirect("/dashboard/settings?done=endpoint-deleted");
    }

    /** {@code POST /dashboard/settings/crypto}: the payout wallet (an empty address removes it) and crypto checkout on or off. */
    @Post("/settings/crypto")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> crypto(HttpRequest<?> request, @Body Map<String, String> form) throws Exception {
        Optional<DashboardSessions.Principal> who = pages.who(request);
        MutableHttpResponse<?> refused = pages.refusal(who, form);
        if (refused != null) {
            return refused;
        }
        refused = confirmations.refusal(who.get(), form, "/dashboard/settings/crypto", "change the payout wallet");
        if (refused != null) {
            return refused;
        }
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
            changes.change(who.get().merchantId(), change);
        } catch (ApiError e) {
            return settingsForm(who.get(), HttpStatus.BAD_REQUEST, "Payout wallet not saved: " + e.getMessage(), null);
        }
        return pages.redirect("/dashboard/settings?done=crypto");
    }

    /** A comma- or space-separated list of methods or provider slugs; empty clears it. */
    private static void list(ObjectNode change, String field, String raw) {
        if (raw == null) {
            return;
        }
        ArrayNode values = change.putArray(field);
        for (String v : raw.split("[\\s,]+")) {
            if (!v.isBlank()) {
                values.add(v.trim());
            }
        }
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
        model.put("allow", String.join(", ", m.getRoutingAllow()));
        model.put("block", String.join(", ", m.getRoutingBlock()));
        // Every endpoint, with its state and throttle; changed through the operator API's code.
        model.put("endpoints", dev.kassa.schemas.WebhookEndpoints.of(m, key -> kafka.endpointFact(key)).stream()
                .map(e -> Map.<String, Object>of("id", e.id(), "url", e.url(), "events", String.join(", ", e.eventFilter()),
                        "state", e.enabled() ? "enabled" : "disabled: " + e.disabledReason(),
                        "description", e.description() == null ? "" : e.description(), "enabled", e.enabled(),
                        "throttle", e.maxPerSecond() == null ? "" : e.maxPerSecond().toString(),
                        "overlap", e.previousSecretAt(java.time.Instant.now()) != null)).toList());
        model.put("walletAddress", m.getPayoutWallet() == null ? "" : m.getPayoutWallet().getAddress());
        model.put("walletAsset", m.getPayoutWallet() == null ? "USDC" : m.getPayoutWallet().getAsset());
        model.put("cryptoEnabled", m.getCryptoEnabled());
        var user = users.user(who.email());
        model.put("twoStep", user != null && user.getTotpSecret() != null);
        model.put("keyRotated", m.getPreviousApiKeyUntil() == null ? null : m.getPreviousApiKeyUntil().toString());
        model.put("error", error);
        model.put("done", done);
        return pages.render(status, "dashboard/settings", model);
    }

}
