package dev.kassa.gateway.accounts;

import dev.kassa.gateway.kafka.MerchantRecords;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
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
import java.util.List;

/**
 * Adding and removing a merchant's webhook endpoints, checked as the operator API checks them: what
 * {@code POST} and {@code DELETE /admin/merchants/{id}/webhook-endpoints} do, and what the merchant's dashboard does.
 */
@Singleton
public final class WebhookEndpointChanges {

    private final MerchantRecords records;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final SecretKeyring keyring;

    WebhookEndpointChanges(MerchantRecords records, GatewaySettings settings, SessionCommands commands,
                           SecretKeyring keyring) {
        this.records = records;
        this.settings = settings;
        this.commands = commands;
        this.keyring = keyring;
    }

    /** A new endpoint; its secret is in the answer, once. */
    public EndpointSpec.Secret add(long merchantId, EndpointSpec spec) throws Exception {
        return records.changeMerchant(merchantId, () -> addNow(merchantId, spec));
    }

    private EndpointSpec.Secret addNow(long merchantId, EndpointSpec spec) throws Exception {
        Merchant current = merchant(merchantId);
        if (spec.url() == null) {
            throw ApiError.missingField("url");
        }
        String url = WebhookUrls.check(spec.url(), "url", settings.development());
        List<String> filter = EndpointFields.eventFilter(spec.eventFilter());
        String description = EndpointFields.description(spec.description());
        Integer throttle = EndpointFields.maxPerSecond(spec.maxPerSecond());
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
        return new EndpointSpec.Secret(WebhookEndpoints.id(key), secret);
    }

    /**
     * Changes an endpoint: URL, event filter, description, throttle, enabled (re-enabling makes an older "disabled"
     * fact of the relay's void), a new secret (in the answer, once; the old one keeps signing X-Signature, and signs
     * webhook-signature beside the new one, for 24 hours) and the end of that overlap (the merchant's receiver has the
     * new secret: the old one stops signing now). What {@code PATCH} of the operator API and the dashboard's endpoint
     * forms do.
     */
    public EndpointSpec.Secret update(long merchantId, String endpointId, EndpointSpec.Patch patch) throws Exception {
        return records.changeMerchant(merchantId, () -> updateNow(merchantId, endpointId, patch));
    }

    private EndpointSpec.Secret updateNow(long merchantId, String endpointId, EndpointSpec.Patch patch) throws Exception {
        Merchant current = merchant(merchantId);
        long key = endpointKey(current, endpointId);
        Instant now = commands.now();
        String newSecret = patch.rotateSecret() ? Secrets.webhookSecret() : null;
        boolean endOverlap = newSecret == null && patch.endSecretOverlap();
        // The values are checked once, before either record is touched.
        String url = patch.url() == null ? null : WebhookUrls.check(patch.url(), "url", settings.development());
        List<String> filter = patch.eventFilter() == null ? null : EndpointFields.eventFilter(patch.eventFilter().value());
        MerchantPatch.Value<String> description = patch.description() == null ? null
                : new MerchantPatch.Value<>(EndpointFields.description(patch.description().value()));
        MerchantPatch.Value<Integer> throttle = patch.maxPerSecond() == null ? null
                : new MerchantPatch.Value<>(EndpointFields.maxPerSecond(patch.maxPerSecond().value()));
        Boolean enabled = patch.enabled();
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(now);
        if (key == merchantId) {
            if (url != null) {
                next.setWebhookUrl(url).setWebhookEnabledAt(now).setWebhookDisabledReason(null);
            }
            if (filter != null) {
                next.setWebhookEventFilter(filter);
            }
            if (description != null) {
                next.setWebhookDescription(description.value());
            }
            if (throttle != null) {
                next.setWebhookMaxPerSecond(throttle.value());
            }
            if (enabled != null) {
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
                if (url != null) {
                    changed.setUrl(url).setEnabledAt(now);
                }
                if (filter != null) {
                    changed.setEventFilter(filter);
                }
                if (description != null) {
                    changed.setDescription(description.value());
                }
                if (throttle != null) {
                    changed.setMaxPerSecond(throttle.value());
                }
                if (enabled != null) {
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
        return new EndpointSpec.Secret(endpointId, newSecret);
    }

    /** Removes an endpoint (the first one's URL becomes null: the merchant has no first endpoint until one is added). */
    public String delete(long merchantId, String endpointId) throws Exception {
        return records.changeMerchant(merchantId, () -> deleteNow(merchantId, endpointId));
    }

    private String deleteNow(long merchantId, String endpointId) throws Exception {
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
        return endpointId;
    }

    /** The merchant record as the gateway wrote it; 404 {@code not_found} for an unknown id. */
    public Merchant merchant(long merchantId) {
        Merchant current = records.merchantRecord(merchantId);
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
        if (records.putMerchant(next, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry the read");
        }
    }
}
