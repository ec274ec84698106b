package dev.kassa.gateway.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpoint;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adding and removing a merchant's webhook endpoints, checked as the operator API checks them: what
 * {@code POST} and {@code DELETE /admin/merchants/{id}/webhook-endpoints} do, and what the merchant's dashboard does.
 */
@Singleton
public final class WebhookEndpointChanges {

    private final MerchantDirectory merchantDirectory;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final SecretKeyring keyring;

    WebhookEndpointChanges(MerchantDirectory merchantDirectory, GatewaySettings settings, SessionCommands commands,
                           SecretKeyring keyring) {
        this.merchantDirectory = merchantDirectory;
        this.settings = settings;
        this.commands = commands;
        this.keyring = keyring;
    }

    /** A new endpoint ({@code url}, {@code event_filter}, {@code description}, {@code max_per_second}); its secret is in the answer, once. */
    public Map<String, Object> add(long merchantId, JsonNode json) throws Exception {
        return merchantDirectory.changeMerchant(merchantId, () -> addNow(merchantId, json));
    }

    private Map<String, Object> addNow(long merchantId, JsonNode json) throws Exception {
        Merchant current = merchant(merchantId);
        String url = Json.text(json, "url");
        if (url == null) {
            throw ApiError.missingField("url");
        }
        url = WebhookUrls.check(url, "url", settings.development());
        List<String> filter = EndpointFields.eventFilter(json);
        String description = EndpointFields.description(json);
        Integer throttle = EndpointFields.maxPerSecond(json, null);
        boolean hasFirst = current.getWebhookUrl() != null && !current.getWebhookUrl().isBlank();
        int count = (hasFirst ? 1 : 0) + current.getWebhookEndpoints().size();
        if (count >= WebhookEndpoints.MAX) {
            throw new ApiError(ErrorCode.TOO_MANY_WEBHOOK_ENDPOINTS, "merchant " + merchantId + " has " + count
                    + " endpoints, the most there may be; delete one first");
        }
        Instant now = commands.now();
        String secret = Secrets.webhookSecret();
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(now);
        long key;
        if (!hasFirst) {
            // The first endpoint is the seed's webhook_url: a merchant's integration written against the seeds reads it there.
            key = merchantId;
            next.setWebhookUrl(url).setWebhookSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, key), secret)).setPreviousWebhookSecret(null)
                    .setPreviousSecretUntil(null).setWebhookEnabledAt(now).setWebhookDisabledReason(null)
                    .setWebhookEventFilter(filter).setWebhookDescription(description).setWebhookMaxPerSecond(throttle);
        } else {
            key = Secrets.id();
            List<WebhookEndpoint> endpoints = new ArrayList<>(current.getWebhookEndpoints());
            endpoints.add(WebhookEndpoint.newBuilder().setEndpointKey(key).setUrl(url).setSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, key), secret))
                    .setEventFilter(filter).setDescription(description).setEnabled(true).setEnabledAt(now).setMaxPerSecond(throttle)
                    .setCreatedAt(now).build());
            next.setWebhookEndpoints(endpoints);
        }
        write(next.build());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("endpoint_id", WebhookEndpoints.id(key));
        answer.put("secret", secret);
        return answer;
    }

    /**
     * Changes an endpoint: {@code url}, {@code event_filter}, {@code description}, {@code max_per_second},
     * {@code enabled} (re-enabling makes an older "disabled" fact of the relay's void), {@code rotate_secret} (the
     * new secret in the answer, once; the old one keeps signing X-Signature, and signs webhook-signature beside the
     * new one, for 24 hours) and {@code end_secret_overlap} (the merchant's receiver has the new secret: the old one
     * stops signing now; ignored in the request that rotates). What {@code PATCH} of the operator API and the
     * dashboard's endpoint forms do.
     */
    public Map<String, Object> update(long merchantId, String endpointId, JsonNode json) throws Exception {
        return merchantDirectory.changeMerchant(merchantId, () -> updateNow(merchantId, endpointId, json));
    }

    private Map<String, Object> updateNow(long merchantId, String endpointId, JsonNode json) throws Exception {
        Merchant current = merchant(merchantId);
        long key = endpointKey(current, endpointId);
        Instant now = commands.now();
        String newSecret = json.path("rotate_secret").asBoolean(false) ? Secrets.webhookSecret() : null;
        boolean endOverlap = newSecret == null && json.path("end_secret_overlap").asBoolean(false);
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(now);
        if (key == merchantId) {
            if (json.has("url")) {
                next.setWebhookUrl(WebhookUrls.check(EndpointFields.required(json, "url"), "url", settings.development()))
                        .setWebhookEnabledAt(now).setWebhookDisabledReason(null);
            }
            if (json.has("event_filter")) {
                next.setWebhookEventFilter(EndpointFields.eventFilter(json));
            }
            if (json.has("description")) {
                next.setWebhookDescription(EndpointFields.description(json));
            }
            if (json.has("max_per_second")) {
                next.setWebhookMaxPerSecond(EndpointFields.maxPerSecond(json, current.getWebhookMaxPerSecond()));
            }
            if (json.has("enabled")) {
                boolean enabled = EndpointFields.enabled(json);
                next.setWebhookDisabledReason(enabled ? null : "disabled by the operator");
                if (enabled) {
                    next.setWebhookEnabledAt(now);
                }
            }
            if (newSecret != null) {
                next.setPreviousWebhookSecret(current.getWebhookSecret()).setPreviousSecretUntil(now.plus(Duration.ofHours(24)))
                        .setWebhookSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, merchantId), newSecret));
            }
            if (endOverlap) {
                next.setPreviousWebhookSecret(null).setPreviousSecretUntil(null);
            }
        } else {
            List<WebhookEndpoint> endpoints = new ArrayList<>();
            for (WebhookEndpoint e : current.getWebhookEndpoints()) {
                if (e.getEndpointKey() != key) {
                    endpoints.add(e);
                    continue;
                }
                WebhookEndpoint.Builder changed = WebhookEndpoint.newBuilder(e);
                if (json.has("url")) {
                    changed.setUrl(WebhookUrls.check(EndpointFields.required(json, "url"), "url", settings.development())).setEnabledAt(now);
                }
                if (json.has("event_filter")) {
                    changed.setEventFilter(EndpointFields.eventFilter(json));
                }
                if (json.has("description")) {
                    changed.setDescription(EndpointFields.description(json));
                }
                if (json.has("max_per_second")) {
                    changed.setMaxPerSecond(EndpointFields.maxPerSecond(json, e.getMaxPerSecond()));
                }
                if (json.has("enabled")) {
                    boolean enabled = EndpointFields.enabled(json);
                    changed.setEnabled(enabled);
                    if (enabled) {
                        changed.setEnabledAt(now); // the relay's older "disabled" fact no longer applies
                    }
                }
                if (newSecret != null) {
                    changed.setPreviousSecret(e.getSecret()).setPreviousSecretUntil(now.plus(Duration.ofHours(24)))
                            .setSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, e.getEndpointKey()), newSecret));
                }
                if (endOverlap) {
                    changed.setPreviousSecret(null).setPreviousSecretUntil(null);
                }
                endpoints.add(changed.build());
            }
            next.setWebhookEndpoints(endpoints);
        }
        write(next.build());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("endpoint_id", endpointId);
        if (newSecret != null) {
            answer.put("secret", newSecret);
        }
        return answer;
    }

    /** Removes an endpoint (the first one's URL becomes null: the merchant has no first endpoint until one is added). */
    public Map<String, Object> delete(long merchantId, String endpointId) throws Exception {
        return merchantDirectory.changeMerchant(merchantId, () -> deleteNow(merchantId, endpointId));
    }

    private Map<String, Object> deleteNow(long merchantId, String endpointId) throws Exception {
        Merchant current = merchant(merchantId);
        long key = endpointKey(current, endpointId);
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(commands.now());
        if (key == merchantId) {
            next.setWebhookUrl(null).setWebhookSecret(null).setPreviousWebhookSecret(null).setPreviousSecretUntil(null)
                    .setWebhookDescription(null).setWebhookMaxPerSecond(null).setWebhookEventFilter(List.of("*"));
        } else {
            next.setWebhookEndpoints(current.getWebhookEndpoints().stream().filter(e -> e.getEndpointKey() != key).toList());
        }
        write(next.build());
        return Map.of("ok", true, "endpoint_id", endpointId);
    }

    /** The merchant record as the gateway wrote it; 404 {@code not_found} for an unknown id. */
    public Merchant merchant(long merchantId) {
        Merchant current = merchantDirectory.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        return current;
    }

    /** The key of the merchant's endpoint with this id; 404 {@code not_found} for none. */
    public long endpointKey(Merchant merchant, String endpointId) {
        Long key = WebhookEndpoints.key(endpointId);
        if (key == null || WebhookEndpoints.find(merchant, key, k -> null) == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "merchant " + merchant.getMerchantId() + " has no webhook endpoint " + endpointId);
        }
        return key;
    }

    /** Writes the merchant record and waits until this gateway reads it back (503 {@code unavailable} if not). */
    void write(Merchant next) throws Exception {
        if (merchantDirectory.putMerchant(next, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry the read");
        }
    }
}
