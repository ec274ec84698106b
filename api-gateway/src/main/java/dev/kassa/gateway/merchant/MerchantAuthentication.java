package dev.kassa.gateway.merchant;

import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.GatewaySettings;
import dev.kassa.gateway.Secrets;
import dev.kassa.gateway.kafka.KafkaBackend;
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

    private final KafkaBackend kafka;
    private final RateLimiter limiter;

    public MerchantAuthentication(KafkaBackend kafka, GatewaySettings settings) {
        this.kafka = kafka;
        this.limiter = new RateLimiter(settings.ratePerSecond(), settings.rateBurst());
    }

    @Override
    public Argument<Merchant> argumentType() {
        return Argument.of(Merchant.class);
    }

    @Override
    public BindingResult<Merchant> bind(ArgumentConversionContext<Merchant> context, HttpRequest<?> source) {
        Merchant merchant = authenticate(source.getHeaders().get("Authorization"), source.getHeaders().get("X-API-Key"));
        return () -> Optional.of(merchant);
    }

    public Merchant authenticate(String authorization, String apiKey) {
        String bearer = authorization == null ? "" : authorization;
        String key = bearer.startsWith("Bearer ") ? bearer.substring(7).trim() : apiKey == null ? "" : apiKey.trim();
        if (key.isEmpty()) {
            throw new ApiError(ErrorCode.MISSING_API_KEY, "send 'Authorization: Bearer YOUR_API_KEY' or 'X-API-Key: YOUR_API_KEY'");
        }
        // Looked up by hash: the key itself is never stored, and the lookup takes the same time for any wrong key.
        String hash = Secrets.hash(key);
        long wait = limiter.acquire(hash, System.nanoTime());
        if (wait > 0) {
            throw new RateLimited(wait);
        }
        Merchant merchant = kafka.merchantByKeyHash(hash);
        if (merchant == null) {
            throw new ApiError(ErrorCode.INVALID_API_KEY, "this API key is not known");
        }
        if (merchant.getDisabled()) {
            throw new ApiError(ErrorCode.MERCHANT_DISABLED, "this merchant is disabled");
        }
        return merchant;
    }
}
