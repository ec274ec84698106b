package dev.kassa.gateway.shared;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;

/**
 * Where a buyer is sent back to: a session's {@code return_url} and {@code cancel_url}. Kassa's checkout domain is
 * trusted by buyers, so it never redirects anywhere a merchant could not have put a page: only {@code https} URLs on
 * one of the merchant's own domains or a subdomain of one are kept (others are ignored, as seed 003 ignores a URL
 * that is not https). The host is the one the browser would connect to, so {@code https://shop.example@evil.example/}
 * is evil.example's and is ignored.
 */
public final class ShopUrls {

    private ShopUrls() {
    }

    /** {@code url} if it is an https URL on one of {@code domains} (normalized as {@link Domains} does) or below one; else null. */
    public static String onDomains(String url, Collection<String> domains) {
        if (url == null || domains == null || domains.isEmpty()) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getHost() == null) {
            return null;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (String domain : domains) {
            if (host.equals(domain) || host.endsWith("." + domain)) {
                return uri.toString();
            }
        }
        return null;
    }

    /**
     * {@code url} with {@code session_id=<id>} added to its query (before any fragment), so the shop's page knows which
     * checkout the buyer comes back from; null stays null.
     */
    public static String withSessionId(String url, long sessionId) {
        if (url == null) {
            return null;
        }
        int hash = url.indexOf('#');
        String base = hash < 0 ? url : url.substring(0, hash);
        String fragment = hash < 0 ? "" : url.substring(hash);
        String separator = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
        return base + separator + "session_id=" + sessionId + fragment;
    }
}
