package dev.kassa.gateway.stripe;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Stripe account Kassa charges through: its secret API key and its webhook endpoint's signing secret, each read
 * from a file the operator keeps ({@code kassa gateway --stripe-secret-key-file F --stripe-webhook-secret-file F}),
 * never from a flag's text (which {@code ps} shows) and never logged; and the API's base URL (Stripe's, or a local
 * fake in tests). Present only when a secret key file is configured.
 */
@Singleton
@Requires(property = "kassa.gateway.stripe.secret-key-file")
public final class StripeSettings {

    private final String secretKey;
    private final String webhookSecret;
    private final String apiBase;

    StripeSettings(@Value("${kassa.gateway.stripe.secret-key-file}") String secretKeyFile,
                   @Value("${kassa.gateway.stripe.webhook-secret-file:}") String webhookSecretFile,
                   @Value("${kassa.gateway.stripe.api-base:https://api.stripe.com}") String apiBase) {
        this.secretKey = read(secretKeyFile, "--stripe-secret-key-file");
        this.webhookSecret = webhookSecretFile.isBlank() ? null : read(webhookSecretFile, "--stripe-webhook-secret-file");
        this.apiBase = apiBase;
    }

    private static String read(String file, String flag) {
        try {
            String text = Files.readString(Path.of(file)).strip();
            if (text.isEmpty()) {
                throw new IllegalStateException(flag + " " + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(flag + " " + file + " cannot be read", e);
        }
    }

    String secretKey() {
        return secretKey;
    }

    /** Null when none is configured: then every Stripe event is refused (nothing unsigned is ever taken). */
    String webhookSecret() {
        return webhookSecret;
    }

    String apiBase() {
        return apiBase;
    }
}
