package dev.kassa.gateway.accounts;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.SsrfGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a webhook URL when it is registered: at most 2,048 characters, http(s) with a host, https outside development,
 * and not an address in a refused range (loopback only in development; private, link-local, metadata never) when the
 * host is an IP literal or localhost. Names are not resolved here (a name's addresses can change): the relay checks
 * every address at connect time, with the same {@link SsrfGuard}.
 */
public final class WebhookUrls {

    static final int MAX_LENGTH = 2048;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private WebhookUrls() {
    }

    /** {@code url} when it may be registered, else a 400 {@code invalid_webhook_url} saying what to change. */
    static String check(String url, String field, boolean development) {
        if (url.length() > MAX_LENGTH) {
            throw new ApiError(ErrorCode.INVALID_WEBHOOK_URL, "'" + field + "' is longer than " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ApiError(ErrorCode.INVALID_WEBHOOK_URL, "'" + field + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean allowed = scheme.equals("https") || (development && scheme.equals("http"));
        if (uri.getHost() == null || !allowed || uri.getRawUserInfo() != null) {
            throw new ApiError(ErrorCode.INVALID_WEBHOOK_URL, "'" + field + "' must be a full https:// URL"
                    + (development ? " (or http:// in development)" : "") + " without user info");
        }
        refusal(uri.getHost(), development).ifPresent(why -> {
            throw new ApiError(ErrorCode.INVALID_WEBHOOK_URL, "'" + field + "' points to " + why + "; use a public address");
        });
        return url;
    }

    private static Optional<String> refusal(String host, boolean development) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        SsrfGuard guard = new SsrfGuard(development);
        try {
            if (lower.equals("localhost") || lower.endsWith(".localhost")) {
                return guard.refusal(InetAddress.getLoopbackAddress());
            }
            if (IPV4.matcher(bare).matches() || bare.contains(":")) {
                return guard.refusal(InetAddress.getByName(bare)); // a literal: parsed, never looked up
            }
        } catch (UnknownHostException e) {
            return Optional.of("an address that is not valid");
        }
        return Optional.empty();
    }
}
