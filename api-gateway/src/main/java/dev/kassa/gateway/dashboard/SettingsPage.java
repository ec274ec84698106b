package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The settings page as every settings form answers it (saved, or with what was wrong): the merchant's settings, endpoints, wallet, two-step state. */
@Singleton
final class SettingsPage {

    private final MerchantDirectory merchantDirectory;
    private final DashboardPages pages;
    private final MerchantUsers users;

    SettingsPage(MerchantDirectory merchantDirectory, DashboardPages pages, MerchantUsers users) {
        this.merchantDirectory = merchantDirectory;
        this.pages = pages;
        this.users = users;
    }

    HttpResponse<?> render(DashboardSessions.Principal who, HttpStatus status, String error, String done) {
        Merchant m = merchantDirectory.merchant(who.merchantId());
        Map<String, Object> model = pages.base(who, "Settings", "settings");
        model.put("webhookUrl", m.getWebhookUrl() == null ? "" : m.getWebhookUrl());
        model.put("domains", String.join("\n", m.getDomains()));
        model.put("ttl", m.getSessionTtlSeconds());
        model.put("grace", m.getGraceSeconds());
        model.put("policy", m.getLatePaymentPolicy().name().toLowerCase(Locale.ROOT));
        model.put("allow", String.join(", ", m.getRoutingAllow()));
        model.put("block", String.join(", ", m.getRoutingBlock()));
        // Every endpoint, with its state and throttle; changed through the operator API's code.
        model.put("endpoints", WebhookEndpoints.of(m, key -> merchantDirectory.endpointFact(key)).stream()
                .map(e -> Map.<String, Object>of("id", e.id(), "url", e.url(), "events", String.join(", ", e.eventFilter()),
                        "state", e.enabled() ? "enabled" : "disabled: " + e.disabledReason(),
                        "description", e.description() == null ? "" : e.description(), "enabled", e.enabled(),
                        "throttle", e.maxPerSecond() == null ? "" : e.maxPerSecond().toString(),
                        "overlap", e.previousSecretAt(Instant.now()) != null)).toList());
        model.put("walletAddress", m.getPayoutWallet() == null ? "" : m.getPayoutWallet().getAddress());
        model.put("walletAsset", m.getPayoutWallet() == null ? "USDC" : m.getPayoutWallet().getAsset());
        model.put("cryptoEnabled", m.getCryptoEnabled());
        model.put("displayName", m.getDisplayName() == null ? "" : m.getDisplayName());
        model.put("supportEmail", m.getSupportEmail() == null ? "" : m.getSupportEmail());
        model.put("supportUrl", m.getSupportUrl() == null ? "" : m.getSupportUrl());
        Collect collect = m.getCollectDefaults();
        model.put("collectName", collect != null && collect.getName());
        model.put("collectPhone", collect != null && collect.getPhone());
        model.put("collectBilling", collect != null && collect.getBillingAddress());
        model.put("collectShipping", collect != null && collect.getShippingAddress());
        var user = users.user(who.email());
        model.put("twoStep", user != null && user.getTotpSecret() != null);
        model.put("keyRotated", m.getPreviousApiKeyUntil() == null ? null : m.getPreviousApiKeyUntil().toString());
        model.put("error", error);
        model.put("done", done);
        return pages.render(status, "dashboard/settings", model);
    }

    /** A comma- or space-separated list (domains, methods, provider slugs, event types); empty clears it. */
    static List<String> list(String raw) {
        List<String> values = new ArrayList<>();
        for (String v : raw.split("[\\s,]+")) {
            if (!v.isBlank()) {
                values.add(v.trim());
            }
        }
        return values;
    }
}
