package dev.kassa.gateway.merchant;

import dev.kassa.gateway.edge.ClientAddress;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.RateLimited;
import dev.kassa.gateway.shared.RateLimiter;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Merchant;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Authenticates the merchant once per request, for every handler that takes a {@link Merchant} argument: the key
 * from {@code Authorization: Bearer} or {@code X-API-Key}, looked up by its hash, limited per key, refused when the
 * merchant is disabled. A handler never reads the key headers itself.
 */
@Singleton
public final class MerchantAuthentication implements TypedRequestArgumentBinder<Merchant> {

    private final MerchantDirectory merchantDirectory;
    private final GatewaySettings settings;
    /** Per merchant, at the merchant's own rate (or the gateway's default). */
    private final RateLimiter merchants;
    /** Per client address, for requests with no key or an unknown one: guessing keys is as slow as the default rate. */
    private final RateLimiter unknownKeys;

    MerchantAuthentication(MerchantDirectory merchantDirectory, GatewaySettings settings) {
        this.merchantDirectory = merchantDirectory;
        this.settings = settings;
        this.merchants = new RateLimiter(settings.ratePerSecond(), settings.rateBurst());
        this.unknownKeys = new RateLimiter(settings.ratePerSecond(), settings.rateBurst());
    }

    @Override
    public Argument<Merchant> argumentType() {
        return Argument.of(Merchant.class);
    }

    @Override
    public BindingResult<Merchant> bind(ArgumentConversionContext<Merchant> context, HttpRequest<?> source) {
        Merchant merchant = authenticate(source.getHeaders().get("Authorization"), source.getHeaders().get("X-API-Key"),
                ClientAddress.limitKey(source, settings.trustForwardedFor()));
        return () -> Optional.of(merchant);
    }

    Merchant authenticate(String authorization, String apiKey, String client) {
        String bearer = authorization == null ? "" : authorization;
        String key = bearer.startsWith("Bearer ") ? bearer.substring(7).trim() : apiKey == null ? "" : apiKey.trim();
        // Looked up by hash: the key itself is never stored, and the lookup takes the same time for any wrong key.
        Merchant merchant = key.isEmpty() || key.length() > 200 ? null : merchantDirectory.merchantByKeyHash(Secrets.hash(key));
        if (merchant == null) {
            // Limited per address before the answer, so that trying keys is slow; bounded memory whatever is sent.
            long wait = unknownKeys.acquire(client, System.nanoTime());
            if (wait > 0) {
                throw new RateLimited(wait, "too many requests without a known API key from this address");
            }
            if (key.isEmpty()) {
                throw new ApiError(ErrorCode.MISSING_API_KEY, "send 'Authorization: Bearer YOUR_API_KEY' or 'X-API-Key: YOUR_API_KEY'");
            }
            throw new ApiError(ErrorCode.INVALID_API_KEY, "this API key is not known");
        }
        if (merchant.getDisabled()) {
            throw new ApiError(ErrorCode.MERCHANT_DISABLED, "this merchant is disabled");
        }
        Integer own = merchant.getRateLimitPerSecond();
        double rate = own != null ? own : settings.ratePerSecond();
        double burst = own != null ? 2.0 * own : settings.rateBurst();
        long wait = merchants.acquire(Long.toString(merchant.getMerchantId()), rate, burst, System.nanoTime());
        if (wait > 0) {
            throw new RateLimited(wait);
        }
        return merchant;
    }
}
