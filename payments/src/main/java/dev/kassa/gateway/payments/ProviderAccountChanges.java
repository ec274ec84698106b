package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.ProviderAccounts;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Method;
import dev.kassa.router.Provider;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.ProviderAccount;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The operator adds, replaces and removes accounts at live providers ({@code PUT|DELETE /admin/providers/{slug}},
 * {@code kassa providers add|remove}). Checked here (each mistake named), the keys sealed with the keyring bound to the
 * provider and the field, written to {@code kassa.provider-accounts}: in use on this gateway when the answer comes,
 * on every other within a poll.
 */
@Singleton
public final class ProviderAccountChanges {

    /** What an operator gives: the whole account (not a patch). */
    public record AccountChange(String secretKey, String webhookSecret, List<String> methods, List<String> currencies) {
    }

    private final ProviderAccounts accounts;
    private final SecretKeyring keyring;
    private final SessionCommands clock;

    ProviderAccountChanges(ProviderAccounts accounts, SecretKeyring keyring, SessionCommands clock) {
        this.accounts = accounts;
        this.keyring = keyring;
        this.clock = clock;
    }

    /** The keyring's binding of a provider's key: a sealed key copied to another provider or field does not open. */
    public static SecretKeyring.Binding binding(String provider, String field) {
        return new SecretKeyring.Binding(0, "provider", provider + "/" + field);
    }

    /** The live provider {@code slug} names, or 404. */
    public static Provider live(String slug) {
        return Catalogue.bySlug(Catalogue.LIVE, slug == null ? "" : slug.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new ApiError(ErrorCode.NOT_FOUND, "no live provider '" + slug + "' (Kassa connects to: "
                        + String.join(", ", Catalogue.LIVE.stream().map(Provider::slug).toList()) + ")"));
    }

    public List<ProviderAccount> all() {
        return accounts.all();
    }

    public ProviderAccount put(String slug, AccountChange change, String actor) throws Exception {
        Provider provider = live(slug);
        String secretKey = key(change.secretKey(), "secret_key", "sk_", "rk_");
        String webhookSecret = key(change.webhookSecret(), "webhook_secret", "whsec_");
        TreeSet<String> methods = new TreeSet<>();
        for (String m : change.methods() == null || change.methods().isEmpty() ? List.of("card") : change.methods()) {
            Optional<Method> method = Method.of(m == null ? "" : m.trim().toLowerCase(Locale.ROOT));
            if (method.isEmpty() || !provider.methods().contains(method.get())) {
                throw invalid("'methods': " + provider.slug() + " takes " + String.join(", ", provider.methods().stream().map(Method::slug).toList())
                        + ", not '" + m + "'");
            }
            methods.add(method.get().slug());
        }
        TreeSet<String> currencies = new TreeSet<>();
        List<String> asked = change.currencies() == null ? List.of() : change.currencies();
        if (asked.size() > provider.currencies().size()) {
            throw invalid("'currencies' names more currencies than " + provider.slug() + " takes");
        }
        for (String c : asked) {
            String code = c == null ? "" : c.trim().toUpperCase(Locale.ROOT);
            if (!provider.currencies().contains(code)) {
                throw invalid("'currencies': Kassa's " + provider.slug() + " connector takes " + String.join(", ", new TreeSet<>(provider.currencies()))
                        + ", not '" + c + "'");
            }
            currencies.add(code);
        }
        ProviderAccount account = ProviderAccount.newBuilder().setProvider(provider.slug())
                .setSecretKey(keyring.seal(binding(provider.slug(), "secret_key"), secretKey))
                .setWebhookSecret(keyring.seal(binding(provider.slug(), "webhook_secret"), webhookSecret))
                .setMethods(List.copyOf(methods)).setCurrencies(List.copyOf(currencies)).setChangedBy(actor).setChangedAt(clock.now()).build();
        ProviderAccount written = accounts.put(account, Duration.ofSeconds(10));
        if (written == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the account was written but this gateway has not read it back yet; read it (GET /admin/providers)");
        }
        return written;
    }

    /** Removes the account; whether there was one. */
    public boolean remove(String slug) throws Exception {
        Provider provider = live(slug);
        if (accounts.account(provider.slug()).isEmpty()) {
            return false;
        }
        if (!accounts.remove(provider.slug(), Duration.ofSeconds(10))) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the removal was written but this gateway has not read it back yet");
        }
        return true;
    }

    private static String key(String value, String field, String... prefixes) {
        if (value == null || value.isBlank()) {
            throw invalid("'" + field + "' is required");
        }
        String key = value.strip();
        boolean known = false;
        for (String prefix : prefixes) {
            known |= key.startsWith(prefix);
        }
        if (!known || key.length() > 255 || !key.matches("[A-Za-z0-9_]+")) {
            throw invalid("'" + field + "' is not a key of that kind (it starts with " + String.join(" or ", prefixes) + ")");
        }
        return key;
    }

    private static ApiError invalid(String message) {
        return new ApiError(ErrorCode.INVALID_PROVIDER_ACCOUNT, message);
    }
}
