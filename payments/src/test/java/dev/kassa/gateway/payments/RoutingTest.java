package dev.kassa.gateway.payments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.router.Method;
import dev.kassa.router.RouteDecision;
import dev.kassa.router.RoutingSetting;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.PayoutWallet;
import dev.kassa.schemas.avro.RoutingDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The gateway's routing without a broker: its decisions are recorded into a list instead of kassa.routing-decisions.
 * The router's own rules have their table in the router module; here: what the gateway adds (the merchant's policy,
 * the operator's unhealthy providers) and what it records.
 */
class RoutingTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final List<RoutingDecision> recorded = new ArrayList<>();

    private Routing routing(String unhealthy) {
        return new Routing(recorded::add, settings(), "CF-IPCountry", unhealthy, "", new SessionCommands(Clock.fixed(NOW, ZoneOffset.UTC)),
                Optional::empty, Optional.empty());
    }

    @Test
    void an_operators_live_setting_replaces_the_start_up_flags_at_once_and_its_version_is_recorded() {
        AtomicReference<RoutingSetting> live = new AtomicReference<>();
        Routing routing = new Routing(recorded::add, settings(), "CF-IPCountry", "", "off=wert",
                new SessionCommands(Clock.fixed(NOW, ZoneOffset.UTC)), () -> Optional.ofNullable(live.get()), Optional.empty());
        String usual = routing.decide(merchant(false), 1, "card", 1_000, "EUR", "NL", null).chosen();
        assertThat(usual).isNotEqualTo("wert");
        assertThat(recorded.get(0).getInputs().getRulesVersion()).startsWith("config:");

        live.set(RoutingSetting.of(3, "card=wert", List.of(), "operator", NOW, null));
        assertThat(routing.decide(merchant(false), 2, "card", 1_000, "EUR", "NL", null).chosen()).isEqualTo("wert");
        assertThat(recorded.get(1).getInputs().getRulesVersion()).isEqualTo("v3");

        live.set(RoutingSetting.of(4, "card=wert", List.of("wert"), "operator", NOW, null));
        assertThat(routing.decide(merchant(false), 3, "card", 1_000, "EUR", "NL", null).chosen()).isNotEqualTo("wert");
        assertThat(recorded.get(2).getInputs().getRulesVersion()).isEqualTo("v4");
        assertThat(routing.unhealthy()).containsExactly("wert");
    }

    @Test
    void a_decision_is_recorded_once_with_its_inputs_and_why() {
        RouteDecision decision = routing("").decide(merchant(false), 4242, "card", 1_000, "EUR", "NL", "create");

        assertThat(decision.chosen()).isNotNull();
        assertThat(recorded).hasSize(1);
        RoutingDecision r = recorded.get(0);
        assertThat(r.getSessionId()).isEqualTo(4242);
        assertThat(r.getMerchantId()).isEqualTo(7);
        assertThat(r.getDecidedAt()).isEqualTo(NOW);
        assertThat(r.getInputs().getMethodHint()).isEqualTo("card");
        assertThat(r.getInputs().getProviderHint()).isNull();
        assertThat(r.getInputs().getAmountMinor()).isEqualTo(1_000);
        assertThat(r.getInputs().getBuyerCountry()).isEqualTo("NL");
        assertThat(r.getChosen()).isEqualTo(decision.chosen());
        assertThat(r.getReason()).startsWith("create; ");
        assertThat(r.getCandidates()).isNotEmpty();
    }

    @Test
    void an_unhealthy_provider_is_never_chosen() {
        String usual = routing("").route(merchant(false), "card", 1_000, "EUR", "NL").chosen();

        RouteDecision without = routing(usual).route(merchant(false), "card", 1_000, "EUR", "NL");

        assertThat(without.chosen()).isNotEqualTo(usual);
        assertThat(recorded).as("route() decides without recording").isEmpty();
    }

    @Test
    void crypto_is_offered_only_to_a_merchant_with_a_payout_wallet_that_turned_it_on() {
        Routing routing = routing("");

        assertThat(routing.route(merchant(false), "crypto", 1_000, "EUR", "NL").chosen()).isNull();
        assertThat(routing.methods(merchant(false), 1_000, "EUR", "NL").get(Method.CRYPTO).available()).isFalse();
        assertThat(routing.route(merchant(true), "crypto", 1_000, "EUR", "NL").chosen()).isNotNull();
        assertThat(routing.methods(merchant(true), 1_000, "EUR", "NL").get(Method.CRYPTO).available()).isTrue();
        assertThat(routing.asksForCrypto(" Crypto ")).isTrue();
        assertThat(routing.asksForCrypto("card")).isFalse();
    }

    @Test
    void the_buyers_choice_is_a_pro_smart_router_merchant_whatever_its_package() {
        Merchant basic = Merchant.newBuilder(merchant(false)).setPackage$(MerchantPackage.values()[0])
                .setCheckoutMode(CheckoutMode.values()[0]).build();

        Merchant choice = Routing.asBuyersChoice(basic);

        assertThat(choice.getPackage$()).isEqualTo(MerchantPackage.PRO);
        assertThat(choice.getCheckoutMode()).isEqualTo(CheckoutMode.SMART_ROUTER);
        assertThat(choice.getMerchantId()).isEqualTo(basic.getMerchantId());
    }

    private static Merchant merchant(boolean crypto) {
        return Merchant.newBuilder().setMerchantId(7).setEmail("m7@example.com").setApiKeyHash("sha256:00")
                .setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                .setCryptoEnabled(crypto)
                .setPayoutWallet(crypto ? new PayoutWallet("polygon", "USDC", "0x52908400098527886E0F7030069857D2E4169EE7") : null)
                .setCreatedAt(NOW).setUpdatedAt(NOW).build();
    }

    private static GatewaySettings settings() {
        return new GatewaySettings("localhost:9092", "admin-token-for-tests", "http://localhost", true, 50, 100, 100, 200, false,
                Duration.ofSeconds(5), 0, "", "", "kassa-gateway-views", "", "localhost", Duration.ofDays(90), 0, "");
    }
}
