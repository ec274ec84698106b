package dev.kassa.gateway.accounts;

import java.util.List;

/**
 * A new webhook endpoint, typed: its URL, the events it wants (null: all), a description and a throttle (null: none).
 * What the operator API's {@code POST .../webhook-endpoints} and the dashboard's form both become; the values are
 * checked by {@link WebhookEndpointChanges}.
 */
public record EndpointSpec(String url, List<String> eventFilter, String description, Integer maxPerSecond) {

    public EndpointSpec {
        eventFilter = eventFilter == null ? null : List.copyOf(eventFilter);
    }

    /**
     * A change of an endpoint: a null field is "not changed"; a {@link MerchantPatch.Value} with a null value resets it
     * (all events, no description, no throttle). {@code rotateSecret} makes a new secret (the old one signs too for 24
     * hours); {@code endSecretOverlap} stops the old one now (ignored when rotating).
     */
    public record Patch(String url, MerchantPatch.Value<List<String>> eventFilter, MerchantPatch.Value<String> description,
                        MerchantPatch.Value<Integer> maxPerSecond, Boolean enabled, boolean rotateSecret, boolean endSecretOverlap) {
    }

    /** What adding or changing an endpoint answers: its id, and its new secret when one was made (shown once). */
    public record Secret(String endpointId, String secret) {
        @Override
        public String toString() {
            return "Secret[endpointId=" + endpointId + ", secret=" + (secret == null ? "none" : "(hidden)") + "]";
        }
    }
}
