package dev.kassa.gateway.stripe;

import com.stripe.StripeClient;
import dev.kassa.gateway.kafka.ProviderAccounts;
import dev.kassa.gateway.payments.ProviderAccountChanges;
import dev.kassa.router.Catalogue;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.ProviderAccount;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Stripe account Kassa charges through, outside sandbox mode: the operator's account on
 * {@code kassa.provider-accounts} ({@code kassa providers add stripe}, keys sealed with the keyring and opened here),
 * or a gateway's own key files ({@code kassa gateway --stripe-secret-key-file F --stripe-webhook-secret-file F}),
 * which win when given. Read on every use, so an account added, changed or removed is in effect without a restart;
 * the SDK client is made once per account. Keys are never logged.
 */
@Singleton
@Requires(property = "kassa.gateway.development", notEquals = "true")
public final class StripeAccounts {

    /** A usable account: its keys in clear, the currencies routed to it, and its SDK client. */
    record Account(String secretKey, String webhookSecret, Set<String> currencies, StripeClient client) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StripeAccounts.class);

    private final ProviderAccounts accounts;
    private final SecretKeyring keyring;
    private final String apiBase;
    private final Account fromFiles;
    /** The stored account last opened, by its change time; one reference, so a reader never pairs a time with another account. */
    private record Opened(Instant changedAt, Account account) {
    }

    private volatile Opened opened;

    StripeAccounts(ProviderAccounts accounts, SecretKeyring keyring,
                   @Value("${kassa.gateway.stripe.secret-key-file:}") String secretKeyFile,
                   @Value("${kassa.gateway.stripe.webhook-secret-file:}") String webhookSecretFile,
                   @Value("${kassa.gateway.stripe.api-base:https://api.stripe.com}") String apiBase) {
        this.accounts = accounts;
        this.keyring = keyring;
        this.apiBase = apiBase;
        this.fromFiles = secretKeyFile.isBlank() ? null : account(read(secretKeyFile, "--stripe-secret-key-file"),
                webhookSecretFile.isBlank() ? null : read(webhookSecretFile, "--stripe-webhook-secret-file"), Set.of());
    }

    private static SecretKeyring.Binding binding(String field) {
        return ProviderAccountChanges.binding(Catalogue.STRIPE.slug(), field);
    }

    /** The account in use now, if any. */
    Optional<Account> current() {
        if (fromFiles != null) {
            return Optional.of(fromFiles);
        }
        Optional<ProviderAccount> stored = accounts.account(Catalogue.STRIPE.slug());
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        ProviderAccount a = stored.get();
        Opened last = opened;
        if (last == null || !a.getChangedAt().equals(last.changedAt())) {
            Account account;
            try {
                account = account(keyring.open(binding("secret_key"), a.getSecretKey()), keyring.open(binding("webhook_secret"), a.getWebhookSecret()),
                        new TreeSet<>(a.getCurrencies()));
            } catch (SecretKeyring.UnreadableSecret e) {
                // Sealed with a key this gateway's keyring lacks: no payment goes to Stripe here (the page says no provider
                // is configured, never a 500) until the keyring has it or the account is added again.
                LOG.warn("the Stripe account's keys do not open with this gateway's keyring ({}); Stripe is not used here", e.getMessage());
                account = null;
            }
            last = new Opened(a.getChangedAt(), account);
            opened = last;
        }
        return Optional.ofNullable(last.account());
    }

    private Account account(String secretKey, String webhookSecret, Set<String> currencies) {
        StripeClient client = StripeClient.builder().setApiKey(secretKey).setApiBase(apiBase)
                .setConnectTimeout(5_000).setReadTimeout(20_000).setMaxNetworkRetries(2).build();
        return new Account(secretKey, webhookSecret, Set.copyOf(currencies), client);
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
}
