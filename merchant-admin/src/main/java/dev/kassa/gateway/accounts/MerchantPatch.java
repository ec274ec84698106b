package dev.kassa.gateway.accounts;

import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.MerchantPackage;
import java.util.List;

/**
 * A change of a merchant's record, typed: what the operator API's {@code PATCH /admin/merchants/{id}} and the
 * dashboard's settings forms both become before {@link MerchantChanges#change} checks and applies it. A null field is
 * "not changed"; a field that may be removed is a {@link Value}, whose null value removes it. The checks of each
 * value (ranges, domains, URLs, the retry schedule, the wallet) are {@link MerchantChanges}', not the adapters'.
 */
public record MerchantPatch(Value<String> webhookUrl, boolean rotateWebhookSecret, boolean reenableWebhook, Boolean disabled,
                            Integer sessionTtlSeconds, Integer graceSeconds, MerchantPackage merchantPackage,
                            CheckoutMode checkoutMode, LatePaymentPolicy latePaymentPolicy, List<String> domains,
                            List<String> routingAllow, List<String> routingBlock, Value<String> retrySchedule,
                            Value<Integer> rateLimitPerSecond, Value<Wallet> payoutWallet, Boolean cryptoEnabled,
                            Value<String> displayName, Value<String> supportEmail, Value<String> supportUrl,
                            Value<Collect> collectDefaults) {

    public static final int MIN_SESSION_TTL_SECONDS = 1;
    public static final int MAX_SESSION_TTL_SECONDS = 86_400;
    public static final int MIN_GRACE_SECONDS = 0;
    public static final int MAX_GRACE_SECONDS = 7 * 86_400;
    public static final int MIN_RATE_LIMIT_PER_SECOND = 1;
    public static final int MAX_RATE_LIMIT_PER_SECOND = 10_000;

    public MerchantPatch {
        domains = domains == null ? null : List.copyOf(domains);
        routingAllow = routingAllow == null ? null : List.copyOf(routingAllow);
        routingBlock = routingBlock == null ? null : List.copyOf(routingBlock);
    }

    /** A field set to {@code value}; a null value removes it (the merchant's default applies again). */
    public record Value<T>(T value) {
    }

    /** A payout wallet as the merchant names it: network and asset (null: polygon, USDC) and the address. */
    public record Wallet(String network, String asset, String address) {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Fills a patch field by field; what is not set is not changed. */
    public static final class Builder {
        private Value<String> webhookUrl;
        private boolean rotateWebhookSecret;
        private boolean reenableWebhook;
        private Boolean disabled;
        private Integer sessionTtlSeconds;
        private Integer graceSeconds;
        private MerchantPackage merchantPackage;
        private CheckoutMode checkoutMode;
        private LatePaymentPolicy latePaymentPolicy;
        private List<String> domains;
        private List<String> routingAllow;
        private List<String> routingBlock;
        private Value<String> retrySchedule;
        private Value<Integer> rateLimitPerSecond;
        private Value<Wallet> payoutWallet;
        private Boolean cryptoEnabled;
        private Value<String> displayName;
        private Value<String> supportEmail;
        private Value<String> supportUrl;
        private Value<Collect> collectDefaults;

        private Builder() {
        }

        /** A new webhook URL (null removes it); it starts enabled. */
        public Builder webhookUrl(String url) {
            this.webhookUrl = new Value<>(url);
            return this;
        }

        public Builder rotateWebhookSecret(boolean rotate) {
            this.rotateWebhookSecret = rotate;
            return this;
        }

        /** Re-enables the webhook a relay disabled. */
        public Builder reenableWebhook(boolean reenable) {
            this.reenableWebhook = reenable;
            return this;
        }

        public Builder disabled(boolean disabled) {
            this.disabled = disabled;
            return this;
        }

        public Builder sessionTtlSeconds(int seconds) {
            this.sessionTtlSeconds = seconds;
            return this;
        }

        public Builder graceSeconds(int seconds) {
            this.graceSeconds = seconds;
            return this;
        }

        public Builder merchantPackage(MerchantPackage merchantPackage) {
            this.merchantPackage = merchantPackage;
            return this;
        }

        public Builder checkoutMode(CheckoutMode mode) {
            this.checkoutMode = mode;
            return this;
        }

        public Builder latePaymentPolicy(LatePaymentPolicy policy) {
            this.latePaymentPolicy = policy;
            return this;
        }

        public Builder domains(List<String> domains) {
            this.domains = domains;
            return this;
        }

        public Builder routingAllow(List<String> allow) {
            this.routingAllow = allow;
            return this;
        }

        public Builder routingBlock(List<String> block) {
            this.routingBlock = block;
            return this;
        }

        /** The merchant's own retry schedule (e.g. {@code "5s,30s,2m,1h"}); null returns to the relay's. */
        public Builder retrySchedule(String schedule) {
            this.retrySchedule = new Value<>(schedule);
            return this;
        }

        /** Requests a second per gateway; null returns to the default. */
        public Builder rateLimitPerSecond(Integer perSecond) {
            this.rateLimitPerSecond = new Value<>(perSecond);
            return this;
        }

        /** The payout wallet; null removes it. */
        public Builder payoutWallet(Wallet wallet) {
            this.payoutWallet = new Value<>(wallet);
            return this;
        }

        public Builder cryptoEnabled(boolean enabled) {
            this.cryptoEnabled = enabled;
            return this;
        }

        /** The name buyers see (CheckoutProfile); null or blank: the shop's domain again. */
        public Builder displayName(String name) {
            this.displayName = new Value<>(name);
            return this;
        }

        /** Where buyers write for help; null or blank removes it. */
        public Builder supportEmail(String email) {
            this.supportEmail = new Value<>(email);
            return this;
        }

        /** The merchant's help page (https); null or blank removes it. */
        public Builder supportUrl(String url) {
            this.supportUrl = new Value<>(url);
            return this;
        }

        /** What a session asks the buyer when its create does not say; null (or nothing asked) removes the default. */
        public Builder collectDefaults(Collect collect) {
            this.collectDefaults = new Value<>(collect);
            return this;
        }

        public MerchantPatch build() {
            return new MerchantPatch(webhookUrl, rotateWebhookSecret, reenableWebhook, disabled, sessionTtlSeconds, graceSeconds,
                    merchantPackage, checkoutMode, latePaymentPolicy, domains, routingAllow, routingBlock, retrySchedule,
                    rateLimitPerSecond, payoutWallet, cryptoEnabled, displayName, supportEmail, supportUrl,
                    collectDefaults);
        }
    }
}
