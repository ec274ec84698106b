package dev.kassa.gateway.shared;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/** Shop domains as seed 003 normalizes them: lower case, no scheme, path, port or leading {@code www.}. */
public final class Domains {

    private Domains() {
    }

    public static Optional<String> normalize(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        String host;
        try {
            host = URI.create(value.contains("://") ? value : "http://" + value).getHost();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (host == null || !host.matches("[a-z0-9.-]+\\.[a-z0-9-]+") || host.startsWith(".") || host.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(host.startsWith("www.") ? host.substring(4) : host);
    }
}
