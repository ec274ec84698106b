package dev.kassa.gateway.accounts;

import dev.kassa.gateway.kafka.MerchantRecords;
import dev.kassa.gateway.payments.PayoutWallets;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Domains;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.RetrySchedule;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.PayoutWallet;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A merchant's record made ({@code POST /admin/merchants}) and changed, checked field by field: what
 * {@code PATCH /admin/merchants/{id}} does, and what the merchant's dashboard settings do with the fields a merchant may
 * change (the dashboard never passes the others).
 */
@Singleton
public final class MerchantChanges {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final MerchantRecords records;
    private final GatewaySettings settings;
    private final SessionCommands commands;
    private final SecretKeyring keyring;

    MerchantChanges(MerchantRecords records, GatewaySettings settings, SessionCommands commands,
                    SecretKeyring keyring) {
        this.records = records;
        this.settings = settings;
        this.commands = commands;
        this.keyring = keyring;
    }

    /** What a change answers: the merchant, and the new webhook secret when one was made (shown once). */
    public record MerchantChanged(long merchantId, String webhookSecret) {
        @Override
        public String toString() {
            return "MerchantChanged[merchantId=" + merchantId + ", webhookSecret=" + (webhookSecret == null ? "none" : "(hidden)") + "]";
        }
    }

    /**
     * A new merchant: every value checked (e-mail, domains, ranges, webhook URL, wallet; crypto checkout needs a wallet),
     * then a new id, API key and webhook secret (sealed with the keyring), written once. Nothing is written when a
     * value is refused.
     */
    public MerchantSpec.Created create(MerchantSpec spec) throws Exception {
        String email = spec.email();
        if (email == null || !EMAIL.matcher(email).matches()) {
            throw email == null ? ApiError.missingField("email") : new ApiError(ErrorCode.INVALID_EMAIL, "'email' is not an e-mail address");
        }
        List<String> domains = domains(spec.domains());
        int ttl = spec.sessionTtlSeconds() == null ? MerchantSpec.DEFAULT_SESSION_TTL_SECONDS : within(spec.sessionTtlSeconds(),
                ErrorCode.INVALID_SESSION_TTL_SECONDS, MerchantPatch.MIN_SESSION_TTL_SECONDS, MerchantPatch.MAX_SESSION_TTL_SECONDS);
        int grace = spec.graceSeconds() == null ? MerchantSpec.DEFAULT_GRACE_SECONDS : within(spec.graceSeconds(),
                ErrorCode.INVALID_GRACE_SECONDS, MerchantPatch.MIN_GRACE_SECONDS, MerchantPatch.MAX_GRACE_SECONDS);
        Integer rateLimit = spec.rateLimitPerSecond() == null ? null : within(spec.rateLimitPerSecond(),
                ErrorCode.INVALID_RATE_LIMIT_PER_SECOND, MerchantPatch.MIN_RATE_LIMIT_PER_SECOND, MerchantPatch.MAX_RATE_LIMIT_PER_SECOND);
        String webhookUrl = webhookUrl(spec.webhookUrl());
        MerchantPatch.Wallet wallet = spec.payoutWallet();
        PayoutWallet payoutWallet = wallet == null ? null : PayoutWallets.of(wallet.network(), wallet.asset(), wallet.address());
        if (spec.cryptoEnabled() && payoutWallet == null) {
            throw new ApiError(ErrorCode.MISSING_MERCHANT_PAYOUT_WALLET, "crypto checkout needs a payout wallet: send 'payout_wallet' with 'crypto_enabled'");
        }
        CheckoutProfile profile = spec.profile() == null ? new CheckoutProfile(null, null, null)
                : CheckoutProfile.checked(spec.profile().displayName(), spec.profile().supportEmail(), spec.profile().supportUrl());
        Instant now = commands.now();
        String apiKey = Secrets.apiKey();
        String webhookSecret = Secrets.webhookSecret();
        long merchantId = Secrets.id();
        Merchant merchant = Merchant.newBuilder()
                .setMerchantId(merchantId)
                .setEmail(email)
                .setApiKeyHash(Secrets.hash(apiKey))
                .setDomains(domains)
                .setPackage$(spec.merchantPackage() == null ? MerchantPackage.FREE : spec.merchantPackage())
                .setCheckoutMode(spec.checkoutMode() == null ? CheckoutMode.HOSTED_CHECKOUT : spec.checkoutMode())
                .setCountry(spec.country() == null ? null : spec.country().toUpperCase(Locale.ROOT))
                .setWebhookUrl(webhookUrl)
                .setWebhookEnabledAt(now)
                .setWebhookSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, merchantId), webhookSecret))
                .setSessionTtlSeconds(ttl)
                .setGraceSeconds(grace)
                .setRateLimitPerSecond(rateLimit)
                .setRoutingAllow(spec.routingAllow() == null ? List.of() : slugs(spec.routingAllow()))
                .setRoutingBlock(spec.routingBlock() == null ? List.of() : slugs(spec.routingBlock()))
                .setPayoutWallet(payoutWallet)
                .setCryptoEnabled(spec.cryptoEnabled())
                .setDisplayName(profile.displayName())
                .setSupportEmail(profile.supportEmail())
                .setSupportUrl(profile.supportUrl())
                .setCreatedAt(now)
                .setUpdatedAt(now)
                .build();
        if (records.putMerchant(merchant, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the merchant was written but is not readable yet; retry the read");
        }
        return new MerchantSpec.Created(merchantId, apiKey, webhookSecret);
    }

    /**
     * A new API key for the merchant, shown once (in the answer); the previous one keeps working for the rotation's
     * overlap, then leaves every gateway's index. Only the current and the one previous key ever work: a second
     * rotation ends the first overlap.
     */
    public KeyRotation.RotatedKey rotateKey(long merchantId, KeyRotation rotation) throws Exception {
        return records.changeMerchant(merchantId, () -> rotateKeyNow(merchantId, rotation));
    }

    private KeyRotation.RotatedKey rotateKeyNow(long merchantId, KeyRotation rotation) throws Exception {
        Merchant current = records.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        Long overlap = rotation.previousKeyExpiresInSeconds();
        if (overlap != null && (overlap < 0 || overlap > KeyRotation.MAX_OVERLAP_SECONDS)) {
            throw invalidOverlap();
        }
        long seconds = overlap == null ? KeyRotation.DEFAULT_OVERLAP_SECONDS : overlap;
        Instant now = commands.now();
        String apiKey = Secrets.apiKey();
        Merchant next = Merchant.newBuilder(current).setUpdatedAt(now).setApiKeyHash(Secrets.hash(apiKey))
                .setPreviousApiKeyHash(seconds == 0 ? null : current.getApiKeyHash())
                .setPreviousApiKeyUntil(seconds == 0 ? null : now.plusSeconds(seconds)).build();
        if (records.putMerchant(next, Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the new key was written but is not readable yet; retry the read");
        }
        return new KeyRotation.RotatedKey(merchantId, apiKey, seconds == 0 ? null : now.plusSeconds(seconds));
    }

    /** The refusal of an overlap that is not a whole number of seconds from 0 to 30 days (the adapters use it too). */
    public static ApiError invalidOverlap() {
        return new ApiError(ErrorCode.INVALID_PREVIOUS_KEY_EXPIRES_IN_SECONDS,
                "'previous_key_expires_in_seconds' must be a whole number from 0 to " + KeyRotation.MAX_OVERLAP_SECONDS);
    }

    /**
     * Applies the fields the patch sets (webhook URL, null removes it; secret rotation; re-enabling; disable; ttl;
     * grace; package; checkout mode; late-payment policy; domains; routing lists; retry schedule; rate limit; payout
     * wallet and crypto checkout, which needs a wallet); a bad value is an {@link ApiError} and nothing is written.
     */
    public MerchantChanged change(long merchantId, MerchantPatch patch) throws Exception {
        return records.changeMerchant(merchantId, () -> changeNow(merchantId, patch));
    }

    private MerchantChanged changeNow(long merchantId, MerchantPatch patch) throws Exception {
        Merchant current = records.merchantRecord(merchantId);
        if (current == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        Instant now = commands.now();
        Merchant.Builder next = Merchant.newBuilder(current).setUpdatedAt(now);
        String newSecret = null;
        if (patch.webhookUrl() != null) {
            // A new URL starts enabled: a relay's "disabled" fact about an older URL or time no longer applies.
            next.setWebhookUrl(webhookUrl(patch.webhookUrl().value())).setWebhookEnabledAt(now).setWebhookDisabledReason(null);
        }
        if (patch.rotateWebhookSecret()) {
            newSecret = Secrets.webhookSecret();
            next.setPreviousWebhookSecret(current.getWebhookSecret()).setPreviousSecretUntil(now.plus(Duration.ofHours(24)))
                    .setWebhookSecret(keyring.seal(SecretKeyring.Binding.endpoint(merchantId, merchantId), newSecret));
        }
        if (patch.reenableWebhook()) {
            next.setWebhookDisabledReason(null).setWebhookEnabledAt(now);
        }
        if (patch.disabled() != null) {
            next.setDisabled(patch.disabled());
        }
        if (patch.sessionTtlSeconds() != null) {
            next.setSessionTtlSeconds(within(patch.sessionTtlSeconds(), ErrorCode.INVALID_SESSION_TTL_SECONDS,
                    MerchantPatch.MIN_SESSION_TTL_SECONDS, MerchantPatch.MAX_SESSION_TTL_SECONDS));
        }
        if (patch.retrySchedule() != null) {
            next.setWebhookRetrySchedule(retrySchedule(patch.retrySchedule().value()));
        }
        if (patch.rateLimitPerSecond() != null) {
            Integer perSecond = patch.rateLimitPerSecond().value();
            next.setRateLimitPerSecond(perSecond == null ? null : within(perSecond, ErrorCode.INVALID_RATE_LIMIT_PER_SECOND,
                    MerchantPatch.MIN_RATE_LIMIT_PER_SECOND, MerchantPatch.MAX_RATE_LIMIT_PER_SECOND));
        }
        if (patch.graceSeconds() != null) {
            next.setGraceSeconds(within(patch.graceSeconds(), ErrorCode.INVALID_GRACE_SECONDS,
                    MerchantPatch.MIN_GRACE_SECONDS, MerchantPatch.MAX_GRACE_SECONDS));
        }
        if (patch.merchantPackage() != null) {
            next.setPackage$(patch.merchantPackage());
        }
        if (patch.checkoutMode() != null) {
            next.setCheckoutMode(patch.checkoutMode());
        }
        if (patch.latePaymentPolicy() != null) {
            next.setLatePaymentPolicy(patch.latePaymentPolicy());
        }
        if (patch.domains() != null) {
            next.setDomains(domains(patch.domains()));
        }
        if (patch.routingAllow() != null) {
            next.setRoutingAllow(slugs(patch.routingAllow()));
        }
        if (patch.routingBlock() != null) {
            next.setRoutingBlock(slugs(patch.routingBlock()));
        }
        if (patch.payoutWallet() != null) {
            MerchantPatch.Wallet wallet = patch.payoutWallet().value();
            next.setPayoutWallet(wallet == null ? null : PayoutWallets.of(wallet.network(), wallet.asset(), wallet.address()));
        }
        if (patch.cryptoEnabled() != null) {
            next.setCryptoEnabled(patch.cryptoEnabled());
        }
        if (patch.displayName() != null) {
            next.setDisplayName(CheckoutProfile.displayName(patch.displayName().value()));
        }
        if (patch.supportEmail() != null) {
            next.setSupportEmail(CheckoutProfile.supportEmail(patch.supportEmail().value()));
        }
        if (patch.supportUrl() != null) {
            next.setSupportUrl(CheckoutProfile.supportUrl(patch.supportUrl().value()));
        }
        if (patch.collectDefaults() != null) {
            Collect c = patch.collectDefaults().value();
            boolean asks = c != null && (c.getName() || c.getPhone() || c.getBillingAddress() || c.getShippingAddress());
            next.setCollectDefaults(asks ? c : null);
        }
        if (next.getCryptoEnabled() && next.getPayoutWallet() == null) {
            throw new ApiError(ErrorCode.MISSING_MERCHANT_PAYOUT_WALLET,
                    "crypto checkout needs a payout wallet: set 'payout_wallet' with 'crypto_enabled' (or turn crypto off first)");
        }
        if (records.putMerchant(next.build(), Duration.ofSeconds(10)) == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the change was written but is not readable yet; retry the read");
        }
        return new MerchantChanged(merchantId, newSecret);
    }

    /** {@code value} when it is within [min, max]; otherwise refused with {@code invalid}, naming the range. */
    public static int within(int value, ErrorCode invalid, int min, int max) {
        if (value < min || value > max) {
            throw outOfRange(invalid, min, max);
        }
        return value;
    }

    /** One of an enum's values, named in any case; refused with {@code invalid}, saying which are {@code allowed}. */
    public static <E extends Enum<E>> E choice(Class<E> type, String value, ErrorCode invalid, String allowed) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ApiError(invalid, "'" + invalid.field() + "' must be " + allowed + ", not '" + value + "'");
        }
    }

    /** A whole number typed into a form, in [min, max]; refused with {@code invalid} otherwise. */
    public static int wholeNumber(String text, ErrorCode invalid, int min, int max) {
        try {
            return within(Integer.parseInt(text.trim()), invalid, min, max);
        } catch (NumberFormatException e) {
            throw outOfRange(invalid, min, max);
        }
    }

    /** The refusal of a number that is not a whole number in [min, max] (the adapters use it for what is not a number). */
    public static ApiError outOfRange(ErrorCode invalid, int min, int max) {
        return new ApiError(invalid, "'" + invalid.field() + "' must be a whole number from " + min + " to " + max);
    }

    /** A merchant's own retry schedule, checked as the relay will read it; null returns to the relay's. */
    static String retrySchedule(String schedule) {
        if (schedule == null) {
            return null;
        }
        String text = schedule.strip();
        try {
            if (text.length() > 200 || RetrySchedule.parse(text).delays().size() > 20) {
                throw new IllegalArgumentException("at most 20 delays");
            }
        } catch (IllegalArgumentException e) {
            throw new ApiError(ErrorCode.INVALID_RETRY_SCHEDULE, "'webhook_retry_schedule' " + (text.isEmpty() ? "is empty" : e.getMessage())
                    + "; write 1 to 20 delays such as \"5s,30s,2m,1h\"");
        }
        return text;
    }

    public String webhookUrl(String webhookUrl) {
        return webhookUrl == null ? null : WebhookUrls.check(webhookUrl, "webhook_url", settings.development());
    }

    /** The merchant's shop domains, normalized: at least one, each a domain. */
    public static List<String> domains(List<String> given) {
        if (given == null || given.isEmpty()) {
            throw new ApiError(ErrorCode.MISSING_FIELD, "'domains' is required: a list of the merchant's shop domains");
        }
        List<String> domains = new ArrayList<>();
        for (String d : given) {
            domains.add(Domains.normalize(d).orElseThrow(() -> new ApiError(ErrorCode.INVALID_DOMAIN, "'" + d + "' is not a domain")));
        }
        return domains;
    }

    /** Methods or provider slugs, trimmed and in lower case. */
    public static List<String> slugs(List<String> given) {
        return given.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).toList();
    }
}
