package dev.kassa.gateway.payments;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Each payment provider's callback secret, from {@code kassa.gateway.provider-secrets} ("slug=secret,slug=secret").
 * The present connector names the rest: in sandbox mode {@code sandbox=sandbox-secret}, and for each sandbox connector of
 * the router's catalogue {@code <slug>=sandbox-<slug>-secret}.
 */
@Singleton
public final class ProviderSecrets {

    public static final String SANDBOX_SECRET = "sandbox-secret";

    private final Map<String, String> secrets = new HashMap<>();

    private final PaymentConnector connector;

    public ProviderSecrets(@Value("${kassa.gateway.provider-secrets:}") String configured, Optional<PaymentConnector> connector) {
        this.connector = connector.orElse(null);
        for (String pair : configured.split(",")) {
            String[] kv = pair.trim().split("=", 2);
            if (kv.length == 2 && !kv[0].isBlank() && !kv[1].isBlank()) {
                secrets.put(kv[0].trim().toLowerCase(Locale.ROOT), kv[1].trim());
            }
        }
    }

    /** The configured secret, else the connector's (the sandbox's, in sandbox mode); null: not a provider of ours. */
    public String secretOf(String provider) {
        String secret = secrets.get(provider);
        return secret != null || connector == null ? secret : connector.callbackSecret(provider);
    }

    /** {@code v1} of {@code X-Provider-Signature}: hex HMAC-SHA256 of {@code "<seconds>." + body} with the provider's secret. */
    public static String sign(byte[] body, long seconds, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((seconds + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
