package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.RoutingLog;
import dev.kassa.gateway.kafka.RoutingSettingSource;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Layer;
import dev.kassa.router.MerchantPolicy;
import dev.kassa.router.Method;
import dev.kassa.router.Provider;
import dev.kassa.router.RouteDecision;
import dev.kassa.router.RouteRequest;
import dev.kassa.router.Router;
import dev.kassa.router.RoutingSetting;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.RouteCandidate;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.RoutingInputs;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The gateway's side of smart routing: the pure {@link Router} with the merchant's policy, the operator's rules and
 * provider health, every decision recorded on {@code kassa.routing-decisions} with its inputs, and the buyer's
 * country from a header a CDN or proxy sets ({@code kassa.gateway.country-header}, default {@code CF-IPCountry});
 * in development mode a {@code country} query parameter overrides it, for tests. Operator rules and provider health
 * are the operator's live setting ({@code PUT /admin/routing}, on {@code kassa.routing-settings}), read on every
 * decision so that a change applies without a restart; until an operator sets one, this gateway's start-up flags
 * {@code kassa.gateway.routing-rules} ({@code off=wert; card=revolut,transak}) and
 * {@code kassa.gateway.unhealthy-providers} (slugs that are down) rule.
 */
@Singleton
public final class Routing {

    private final Router standard = Router.standard();
    /** Outside sandbox mode: the live providers whose accounts are configured; null in sandbox mode. */
    private final LiveProviders live;
    private final RoutingLog decisions;
    private final GatewaySettings settings;
    private final String countryHeader;
    /** The start-up flags' setting (version 0): in effect until an operator sets rules as data. */
    private final RoutingSetting flags;
    private final RoutingSettingSource settingSource;

    private final SessionCommands commands;

    public Routing(RoutingLog decisions, GatewaySettings settings,
                   @Value("${kassa.gateway.country-header:CF-IPCountry}") String countryHeader,
            @Value("${kassa.gateway.unhealthy-providers:}") String unhealthy, @Value("${kassa.gateway.routing-rules:}") String rules,
                   SessionCommands commands, RoutingSettingSource settingSource, Optional<LiveProviders> live) {
        this.commands = commands;
        this.live = settings.development() ? null : live.orElse(null);
        this.decisions = decisions;
        this.settings = settings;
        this.countryHeader = countryHeader;
        this.settingSource = settingSource;
        this.flags = RoutingSetting.of(0, rules, Arrays.asList(unhealthy.split(",")), "flags", Instant.EPOCH, null);
    }

    /** The rules and provider health in effect now: the operator's latest setting, else the start-up flags. */
    public RoutingSetting setting() {
        return settingSource.current().orElse(flags);
    }

    /**
     * Sandbox mode routes among the sandbox's catalogue (it plays every provider); outside it, among the live providers
     * whose accounts are configured (Stripe), read on every decision, so a route never ends at a provider nothing can
     * take a payment through, and an account added is routed to at once. With none, the catalogue as before (the hosted
     * page then says that no provider is configured).
     */
    public Router router() {
        List<Provider> providers = live == null ? List.of() : live.providers();
        return providers.isEmpty() ? standard : new Router(providers);
    }

    /**
     * The merchant as the hosted page and the sandbox route for it: the buyer chooses among the methods the merchant
     * allows whatever its package (seed 003: the page works for all merchants); smart routing is about the
     * merchant's hint at create, not about the buyer's choice.
     */
    public static Merchant asBuyersChoice(Merchant merchant) {
        return Merchant.newBuilder(merchant).setPackage$(MerchantPackage.PRO)
                .setCheckoutMode(CheckoutMode.SMART_ROUTER).build();
    }

    /**
     * The merchant's routing policy. Crypto checkout (EPv3) is blocked unless the merchant turned it on with a payout
     * wallet (seed 003): without one there is nowhere to pay the coins out to.
     */
    public static MerchantPolicy policy(Merchant merchant) {
        Set<String> blocked = Set.copyOf(merchant.getRoutingBlock());
        if (!PayoutWallets.cryptoReady(merchant)) {
            HashSet<String> withCrypto = new HashSet<>(blocked);
            withCrypto.add(Method.CRYPTO.slug());
            blocked = Set.copyOf(withCrypto);
        }
        return new MerchantPolicy(merchant.getPackage$().name().toLowerCase(Locale.ROOT),
                merchant.getCheckoutMode().name().toLowerCase(Locale.ROOT),
                Set.copyOf(merchant.getRoutingAllow()), blocked);
    }

    /** Whether a routing hint asks for crypto checkout (the method, or a provider of the EPv3 layer). */
    public boolean asksForCrypto(String hint) {
        if (hint == null) {
            return false;
        }
        String h = hint.trim().toLowerCase(Locale.ROOT);
        return Method.of(h).map(m -> m == Method.CRYPTO).orElse(false)
                || Catalogue.DEFAULT.stream().anyMatch(p -> p.slug().equals(h) && p.layer() == Layer.EPV3);
    }

    /** Decides without recording, with this gateway's operator rules and provider health. */
    public RouteDecision route(Merchant merchant, String hint, long amountMinor, String currency, String buyerCountry) {
        RoutingSetting now = setting();
        return router().route(new RouteRequest(hint, amountMinor, currency, buyerCountry, policy(merchant), now.rules(), now.unhealthy()));
    }

    /** Decides and records. {@code buyerCountry} may be null (unknown, e.g. at session create). */
    public RouteDecision decide(Merchant merchant, long sessionId, String hint, long amountMinor, String currency, String buyerCountry,
                         String why) {
        RouteDecision decision = route(merchant, hint, amountMinor, currency, buyerCountry);
        record(merchant, sessionId, hint, amountMinor, currency, buyerCountry, decision, why == null ? decision.reason() : why + "; " + decision.reason());
        return decision;
    }

    public void record(Merchant merchant, long sessionId, String hint, long amountMinor, String currency, String buyerCountry,
                RouteDecision decision, String reason) {
        boolean methodHint = hint != null && Method.of(hint).isPresent();
        decisions.record(RoutingDecision.newBuilder()
                .setDecisionId("rd-" + UUID.randomUUID())
                .setSessionId(sessionId)
                .setMerchantId(merchant.getMerchantId())
                .setDecidedAt(commands.now())
                .setInputs(RoutingInputs.newBuilder()
                        .setMethodHint(methodHint ? hint : null)
                        .setProviderHint(hint != null && !methodHint ? hint : null)
                        .setAmountMinor(amountMinor).setCurrency(currency).setBuyerCountry(buyerCountry)
                        .setPackage$(merchant.getPackage$()).setCheckoutMode(merchant.getCheckoutMode())
                        .setRulesVersion(decision.rulesVersion()).build())
                .setCandidates(decision.candidates().stream().map(c -> RouteCandidate.newBuilder()
                        .setProvider(c.provider().slug()).setLayer(c.provider().layer().label()).setMethod(c.method().slug())
                        .setEligible(c.eligible()).setReason(c.reason()).build()).toList())
                .setChosen(decision.chosen())
                .setReason(reason)
                .build());
    }

    /** What the hosted page offers this buyer, and {@code me.php} reports (with the merchant's own country). */
    public Map<Method, Router.MethodState> methods(Merchant merchant, long amountMinor, String currency, String buyerCountry) {
        RoutingSetting now = setting();
        return router().methods(policy(merchant), now.rules(), now.unhealthy(), amountMinor, currency, buyerCountry);
    }

    public Set<String> unhealthy() {
        return setting().unhealthy();
    }

    /** The header that carries the buyer's country (a CDN's, e.g. {@code CF-IPCountry}); the adapters read it. */
    public String countryHeader() {
        return countryHeader;
    }

    /**
     * The buyer's country from what the request carried: the configured header's value, or in development mode a
     * {@code country} query parameter; null when neither is two letters.
     */
    public String buyerCountry(String headerValue, String queryOverride) {
        String override = settings.development() ? queryOverride : null;
        String raw = override != null ? override : headerValue;
        if (raw == null || !raw.trim().matches("[A-Za-z]{2}")) {
            return null;
        }
        return raw.trim().toUpperCase(Locale.ROOT);
    }

    /** Where a chosen provider takes the buyer straight away (seed 003's direct_url). */
    public String directUrl(long sessionId, RouteDecision decision) {
        if (decision.chosen() == null) {
            return null;
        }
        return switch (decision.chosenProvider().orElseThrow().layer()) {
            case EPV3 -> settings.publicUrl() + "/crypto.php?session=" + sessionId;
            default -> settings.publicUrl() + "/pay.php?session=" + sessionId + "&provider=" + decision.chosen();
        };
    }
}
