package dev.kassa.gateway;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Each payment provider's callback secret, from {@code kassa.gateway.provider-secrets} ("slug=secret,slug=secret").
 * Development mode adds {@code sandbox=sandbox-secret}, and for each sandbox connector of the router's catalogue
 * {@code <slug>=sandbox-<slug>-secret}.
 */
@Singleton
final class ProviderSecrets {

    static final String SANDBOX_SECRET = "sandbox-secret";

    private final Map<String, String> secrets = new HashMap<>();

    ProviderSecrets(@Value("${kassa.gateway.provider-secrets:}") String configured, GatewaySettings settings) {
        for (String pair : configured.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2 && !kv[0].isBlank() && !kv[1].isBlank()) {
                secrets.put(kv[0].trim().toLowerCase(java.util.Locale.ROOT), kv[1].trim());
            }
        }
        if (settings.development()) {
            secrets.putIfAbsent("sandbox", SANDBOX_SECRET);
            for (dev.kassa.router.Provider provider : dev.kassa.router.Catalogue.DEFAULT) {
                secrets.putIfAbsent(provider.slug(), sandboxSecretOf(provider.slug()));
            }
        }
    }

    static String sandboxSecretOf(String slug) {
        return "sandbox-" + slug + "-secret";
    }

    String secretOf(String provider) {
        return secrets.get(provider);
    }
}
