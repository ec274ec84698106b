package dev.kassa.gateway;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * Each payment provider's callback secret, from {@code kassa.gateway.provider-secrets} ("slug=secret,slug=secret").
 * Development mode adds {@code sandbox=sandbox-secret} for the sandbox connectors.
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
        }
    }

    String secretOf(String provider) {
        return secrets.get(provider);
    }
}
