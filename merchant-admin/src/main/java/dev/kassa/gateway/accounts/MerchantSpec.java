package dev.kassa.gateway.accounts;

import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.MerchantPackage;
import java.util.List;

/**
 * A new merchant, typed: what the operator API's {@code POST /admin/merchants} becomes before
 * {@link MerchantChanges#create} checks every value and writes it. A null field takes its default (package free, hosted
 * checkout, a 900 s session ttl, 1,800 s of grace, the gateway's rate limit, no webhook, no routing lists, no wallet, no
 * profile: the buyer's pages show the shop's domain).
 */
public record MerchantSpec(String email, List<String> domains, MerchantPackage merchantPackage, CheckoutMode checkoutMode,
                           String country, String webhookUrl, Integer sessionTtlSeconds, Integer graceSeconds,
                           Integer rateLimitPerSecond, List<String> routingAllow, List<String> routingBlock,
                           MerchantPatch.Wallet payoutWallet, boolean cryptoEnabled, CheckoutProfile profile) {

    public static final int DEFAULT_SESSION_TTL_SECONDS = 900;
    public static final int DEFAULT_GRACE_SECONDS = 1800;

    public MerchantSpec {
        domains = domains == null ? null : List.copyOf(domains);
        routingAllow = routingAllow == null ? null : List.copyOf(routingAllow);
        routingBlock = routingBlock == null ? null : List.copyOf(routingBlock);
    }

    /** What creating a merchant answers: its id, its API key and its webhook secret, each shown once. */
    public record Created(long merchantId, String apiKey, String webhookSecret) {
        @Override
        public String toString() {
            return "Created[merchantId=" + merchantId + ", apiKey=(hidden), webhookSecret=(hidden)]";
        }
    }
}
