package dev.kassa.schemas;

import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpoint;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongFunction;

/**
 * A merchant's webhook endpoints as every service sees them: the first is the seed's {@code webhook_url} (with
 * {@code webhook_secret}, its key is the merchant id), then {@code webhook_endpoints}; each with the relay's own facts
 * about it folded in (disabled after a 410 or days without a success), exactly as {@link MerchantView} does for the
 * first. A pure function: the gateway's answers and the relay's deliveries cannot disagree about an endpoint.
 */
public final class WebhookEndpoints {

    /** At most this many endpoints per merchant, the first included (SPEC.md). */
    public static final int MAX = 10;

    private WebhookEndpoints() {
    }

    /**
     * One endpoint. {@code secret}/{@code previousSecret} as stored (sealed, or clear without a keyring);
     * {@code disabledReason} null when it is enabled.
     */
    public record Endpoint(long key, String url, String secret, String previousSecret, Instant previousSecretUntil,
                           List<String> eventFilter, String description, String disabledReason, Integer maxPerSecond,
                           Instant createdAt, Instant enabledSince, boolean first) {

        public String id() {
            return WebhookEndpoints.id(key);
        }

        public boolean enabled() {
            return disabledReason == null;
        }

        /**
         * Whether a webhook of {@code type} about a session now in {@code status} goes here. A filter names {@code *}, types
         * ({@code checkout.session.paid}), families ({@code refund.*}) or statuses; a status is its
         * {@code checkout.session.<status>} type, so ["paid"] never receives a refund of a paid session. A full refund is
         * announced as {@code refund.succeeded} with the status {@code refunded}: ["refunded"] and
         * ["checkout.session.refunded"] receive it.
         */
        public boolean accepts(String status, String type) {
            String refunded = "checkout.session.refunded";
            for (String entry : eventFilter) {
                String wanted = entry.contains(".") || entry.equals("*") ? entry : "checkout.session." + entry.toLowerCase(Locale.ROOT);
                if (wanted.equals("*") || wanted.equals(type)
                        || (wanted.endsWith(".*") && type.startsWith(wanted.substring(0, wanted.length() - 1)))
                        || (wanted.equals(refunded) && type.startsWith("refund.") && "refunded".equalsIgnoreCase(status))) {
                    return true;
                }
            }
            return false;
        }

        /** The previous secret while its overlap lasts, else null. */
        public String previousSecretAt(Instant now) {
            return previousSecret != null && (previousSecretUntil == null || now.isBefore(previousSecretUntil)) ? previousSecret : null;
        }
    }

    /** The API's name of an endpoint: {@code we_<key>}. */
    public static String id(long key) {
        return "we_" + key;
    }

    /** The key of {@code we_<key>}, or null when it is not an endpoint id. */
    public static Long key(String id) {
        if (id == null || !id.startsWith("we_") || id.length() > 23) {
            return null;
        }
        try {
            return Long.parseLong(id.substring(3));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Every endpoint of {@code merchant} with a URL, the first first; {@code facts} gives the relay's fact per key. */
    public static List<Endpoint> of(Merchant merchant, LongFunction<WebhookEndpointStatus> facts) {
        List<Endpoint> endpoints = new ArrayList<>();
        if (merchant == null) {
            return endpoints;
        }
        Merchant first = MerchantView.of(merchant, facts.apply(merchant.getMerchantId()));
        if (first.getWebhookUrl() != null && !first.getWebhookUrl().isBlank()) {
            endpoints.add(new Endpoint(merchant.getMerchantId(), first.getWebhookUrl(), first.getWebhookSecret(),
                    first.getPreviousWebhookSecret(), first.getPreviousSecretUntil(), first.getWebhookEventFilter(),
                    first.getWebhookDescription(), first.getWebhookDisabledReason(), first.getWebhookMaxPerSecond(),
                    first.getCreatedAt(), first.getWebhookEnabledAt() != null ? first.getWebhookEnabledAt() : first.getCreatedAt(), true));
        }
        for (WebhookEndpoint e : merchant.getWebhookEndpoints()) {
            endpoints.add(new Endpoint(e.getEndpointKey(), e.getUrl(), e.getSecret(), e.getPreviousSecret(), e.getPreviousSecretUntil(),
                    e.getEventFilter(), e.getDescription(), disabledReason(e, facts.apply(e.getEndpointKey())), e.getMaxPerSecond(),
                    e.getCreatedAt(), e.getEnabledAt() != null ? e.getEnabledAt() : e.getCreatedAt(), false));
        }
        return endpoints;
    }

    /** The endpoint with {@code key} of {@code merchant}, or null. */
    public static Endpoint find(Merchant merchant, long key, LongFunction<WebhookEndpointStatus> facts) {
        for (Endpoint e : of(merchant, facts)) {
            if (e.key() == key) {
                return e;
            }
        }
        return null;
    }

    private static String disabledReason(WebhookEndpoint endpoint, WebhookEndpointStatus fact) {
        if (!endpoint.getEnabled()) {
            return "disabled by the operator";
        }
        if (fact == null || !fact.getDisabled() || !fact.getUrl().equals(endpoint.getUrl())) {
            return null;
        }
        Instant since = endpoint.getEnabledAt() != null ? endpoint.getEnabledAt() : endpoint.getCreatedAt();
        if (!fact.getAt().isAfter(since)) {
            return null; // enabled again (or its URL set) after the relay disabled it
        }
        return fact.getReason() == null ? "disabled by the relay" : fact.getReason();
    }
}
