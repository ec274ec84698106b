package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.EndpointFields;
import dev.kassa.gateway.accounts.EndpointSpec;
import dev.kassa.gateway.accounts.MerchantPatch;
import dev.kassa.gateway.accounts.WebhookEndpointChanges;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.schemas.WebhookEndpoints;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;

/**
 * The webhook endpoints on the settings page: add one (its secret shown once), throttle it, turn it on or off, give it
 * a new secret, end the old secret's overlap, delete it — the operator API's code ({@link WebhookEndpointChanges}), and
 * the password asked again for a new endpoint or a new secret ({@link Confirmations}).
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class EndpointSettingsController {

    private final MerchantDirectory merchantDirectory;
    private final WebhookEndpointChanges endpoints;
    private final DashboardPages pages;
    private final SettingsPage page;
    private final Confirmations confirmations;

    EndpointSettingsController(MerchantDirectory merchantDirectory, WebhookEndpointChanges endpoints,
                               DashboardPages pages, SettingsPage page,
                               Confirmations confirmations) {
        this.merchantDirectory = merchantDirectory;
        this.endpoints = endpoints;
        this.pages = pages;
        this.page = page;
        this.confirmations = confirmations;
    }

    /**
     * {@code POST /dashboard/settings/endpoints}: another webhook endpoint (URL, the statuses it wants, a description),
     * checked as the operator API checks it; its signing secret is shown once on the page this answers.
     */
    @Post("/settings/endpoints")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> addEndpoint(DashboardSessions.Principal who, @Body Map<String, String> form) throws Exception {
        MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/endpoints", "add a webhook endpoint");
        if (refused != null) {
            return refused;
        }
        String events = form.getOrDefault("events", "").trim();
        String description = form.getOrDefault("description", "").trim();
        EndpointSpec endpoint = new EndpointSpec(form.getOrDefault("url", "").trim(), SettingsPage.list(events.isEmpty() ? "*" : events),
                description.isEmpty() ? null : description, null);
        EndpointSpec.Secret added;
        try {
            added = endpoints.add(who.merchantId(), endpoint);
        } catch (ApiError e) {
            return page.render(who, HttpStatus.BAD_REQUEST, "Endpoint not added: " + e.getMessage(), null);
        }
        Map<String, Object> model = pages.base(who, "Endpoint added", "settings");
        model.put("url", endpoint.url());
        model.put("secret", added.secret());
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
    HttpResponse<?> changeEndpoint(DashboardSessions.Principal who, @PathVariable String endpointId,
                                   @Body Map<String, String> form) throws Exception {
        EndpointSpec.Patch change;
        boolean rotate = "rotate".equals(form.get("action"));
        boolean endOverlap = "end-overlap".equals(form.get("action"));
        if (!endpointId.matches("[A-Za-z0-9_-]{1,64}")) {
            return page.render(who, HttpStatus.NOT_FOUND, "Endpoint not changed: there is no such endpoint.", null);
        }
        if (rotate) {
            MutableHttpResponse<?> refused = confirmations.refusal(who, form, "/dashboard/settings/endpoints/" + endpointId, "give the endpoint a new secret");
            if (refused != null) {
                return refused;
            }
            change = new EndpointSpec.Patch(null, null, null, null, null, true, false);
        } else if (endOverlap) {
            change = new EndpointSpec.Patch(null, null, null, null, null, false, true);
        } else {
            String throttle = form.getOrDefault("max_per_second", "").trim();
            Integer perSecond;
            try {
                perSecond = throttle.isEmpty() ? null : Integer.valueOf(throttle);
            } catch (NumberFormatException e) {
                return page.render(who, HttpStatus.BAD_REQUEST, "Endpoint not changed: " + EndpointFields.invalidMaxPerSecond().getMessage(), null);
            }
            change = new EndpointSpec.Patch(null, null, null, new MerchantPatch.Value<>(perSecond),
                    "on".equals(form.get("enabled")) || "true".equals(form.get("enabled")), false, false);
        }
        EndpointSpec.Secret answer;
        try {
            answer = endpoints.update(who.merchantId(), endpointId, change);
        } catch (ApiError e) {
            return page.render(who, "not_found".equals(e.code()) ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST,
                    "Endpoint not changed: " + e.getMessage(), null);
        }
        if (!rotate) {
            return pages.redirect("/dashboard/settings?done=endpoint-changed");
        }
        Map<String, Object> model = pages.base(who, "New endpoint secret", "settings");
        model.put("url", WebhookEndpoints.of(merchantDirectory.merchant(who.merchantId()), key -> merchantDirectory.endpointFact(key)).stream()
                .filter(e -> e.id().equals(endpointId)).map(WebhookEndpoints.Endpoint::url).findFirst().orElse(""));
        model.put("secret", answer.secret());
        model.put("rotated", true);
        return pages.render(HttpStatus.OK, "dashboard/endpoint-added", model);
    }

    /** {@code POST /dashboard/settings/endpoints/{id}/delete}: the endpoint stops getting webhooks. */
    @Post("/settings/endpoints/{endpointId}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> deleteEndpoint(DashboardSessions.Principal who, @PathVariable String endpointId,
                                   @Body Map<String, String> form) throws Exception {
        try {
            endpoints.delete(who.merchantId(), endpointId);
        } catch (ApiError e) {
            return page.render(who, HttpStatus.NOT_FOUND, "No such endpoint: it was deleted already.", null);
        }
        return pages.redirect("/dashboard/settings?done=endpoint-deleted");
    }
}
