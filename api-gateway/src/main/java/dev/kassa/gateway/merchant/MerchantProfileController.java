package dev.kassa.gateway.merchant;

import dev.kassa.gateway.payments.PayoutWallets;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.router.Method;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code GET /gateway/me.php} (seed 003): the merchant's profile and what its smart router would offer. */
@Controller("/gateway")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Checkout sessions")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "403", description = "merchant_disabled", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
@ApiResponse(responseCode = "429", description = "rate_limited, with Retry-After", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
class MerchantProfileController {

    private final Routing routing;

    MerchantProfileController(Routing routing) {
        this.routing = routing;
    }

    @Get("/me.php")
    @Operation(summary = "The merchant's profile and smart-router settings (seed 003)")
    HttpResponse<MerchantApi.Me> me(@Parameter(hidden = true) Merchant merchant) {
        boolean allowed = merchant.getPackage$() != MerchantPackage.FREE;
        boolean effective = allowed && merchant.getCheckoutMode() == CheckoutMode.SMART_ROUTER;
        Map<String, MerchantApi.MethodState> methods = new LinkedHashMap<>();
        // The same policy as the router: "available" for a typical buyer of this merchant (its own country, a
        // mid-size amount in EUR); the hosted page decides per buyer.
        var states = routing.methods(merchant, 5000, "EUR", merchant.getCountry());
        for (Method method : List.of(Method.CARD, Method.PAYPAL, Method.REVOLUT, Method.BANK, Method.IDEAL, Method.OTHER)) {
            var state = states.get(method);
            methods.put(method.slug(), new MerchantApi.MethodState(state.enabled(), state.configured(), effective && state.available()));
        }
        return HttpResponse.ok(new MerchantApi.Me(true, merchant.getMerchantId(), merchant.getEmail(),
                merchant.getPackage$().name().toLowerCase(Locale.ROOT), merchant.getCheckoutMode().name().toLowerCase(Locale.ROOT),
                effective ? "smart_router" : "hosted_checkout", merchant.getCountry(),
                new MerchantApi.SmartRouter(true, allowed, effective, methods),
                new MerchantApi.Crypto(merchant.getCryptoEnabled(), PayoutWallets.cryptoReady(merchant),
                        wallet(merchant))));
    }

    private static Map<String, String> wallet(Merchant merchant) {
        if (merchant.getPayoutWallet() == null) {
            return null;
        }
        Map<String, String> wallet = new LinkedHashMap<>();
        wallet.put("network", merchant.getPayoutWallet().getNetwork());
        wallet.put("asset", merchant.getPayoutWallet().getAsset());
        wallet.put("address", merchant.getPayoutWallet().getAddress());
        return wallet;
    }
}
