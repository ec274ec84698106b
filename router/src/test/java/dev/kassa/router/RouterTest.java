package dev.kassa.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {

    private final Router router = Router.standard();

    private static Set<String> list(String csv) {
        return csv == null || csv.isBlank() ? Set.of() : Set.of(csv.split(";"));
    }

    /**
     * package × mode × hint × currency × amount (minor) × country × allow × block × down → chosen (- for none) and the
     * fallback order (slugs; - for none).
     */
    @ParameterizedTest(name = "{0}/{1} hint={2} {4} {3} {5} allow={6} block={7} down={8} -> {9}")
    @CsvSource(nullValues = "", textBlock = """
            free,      smart_router,    card,         EUR, 7900,  DE, ,             ,              ,            -,            -
            pro,       hosted_checkout, card,         EUR, 7900,  DE, ,             ,              ,            -,            -
            pro,       smart_router,    ,             EUR, 7900,  DE, ,             ,              ,            -,            -
            pro,       smart_router,    teleport,     EUR, 7900,  DE, ,             ,              ,            -,            -
            pro,       smart_router,    card,         EUR, 7900,  DE, ,             ,              ,            wert,         wert;moonpay;transak;rampnetwork;revolut
            unlimited, smart_router,    CARD,         EUR, 7900,  DE, ,             ,              ,            wert,         wert;moonpay;transak;rampnetwork;revolut
            pro,       smart_router,    card,         USD, 7900,  US, ,             ,              ,            wert,         wert;moonpay;transak;rampnetwork;robinhood;revolut
            pro,       smart_router,    card,         EUR, 300,   DE, ,             ,              ,            wert,         wert;rampnetwork;revolut
            pro,       smart_router,    card,         EUR, 7900,  DE, ,             wert,          ,            moonpay,      moonpay;transak;rampnetwork;revolut
            pro,       smart_router,    card,         EUR, 7900,  DE, ,             card,          ,            -,            -
            pro,       smart_router,    card,         EUR, 7900,  DE, transak,      ,              ,            transak,      transak
            pro,       smart_router,    card,         EUR, 7900,  DE, card,         moonpay,       ,            wert,         wert;transak;rampnetwork;revolut
            pro,       smart_router,    card,         EUR, 7900,  DE, ,             ,              wert;moonpay, transak,      transak;rampnetwork;revolut
            pro,       smart_router,    card,         JPY, 7900,  JP, ,             ,              ,            -,            -
            pro,       smart_router,    paypal,       EUR, 7900,  DE, ,             ,              ,            paypal,       paypal
            pro,       smart_router,    ideal,        EUR, 7900,  NL, ,             ,              ,            ideal,        ideal
            pro,       smart_router,    ideal,        EUR, 7900,  DE, ,             ,              ,            -,            -
            pro,       smart_router,    ideal,        EUR, 7900,  ,   ,             ,              ,            -,            -
            pro,       smart_router,    ideal,        USD, 7900,  NL, ,             ,              ,            -,            -
            pro,       smart_router,    bank,         EUR, 7900,  DE, ,             ,              ,            moonpay,      moonpay;transak;rampnetwork;banktransfer
            pro,       smart_router,    bank_transfer,EUR, 1000,  DE, ,             ,              ,            transak,      transak;rampnetwork;banktransfer
            pro,       smart_router,    other,        EUR, 7900,  DE, ,             ,              ,            epv2,         epv2
            pro,       smart_router,    epv2,         EUR, 7900,  DE, ,             ,              ,            epv2,         epv2
            pro,       smart_router,    epv2,         EUR, 7900,  DE, ,             other,         ,            -,            -
            pro,       smart_router,    revolut,      EUR, 7900,  DE, ,             ,              ,            revolut,      revolut
            pro,       smart_router,    moonpay,      EUR, 7900,  DE, ,             ,              ,            moonpay,      moonpay;wert;transak;rampnetwork;revolut
            pro,       smart_router,    moonpay,      EUR, 1000,  DE, ,             ,              ,            wert,         wert;transak;rampnetwork;revolut
            pro,       smart_router,    robinhood,    USD, 7900,  DE, ,             ,              ,            wert,         wert;moonpay;transak;rampnetwork;revolut
            pro,       smart_router,    banktransfer, EUR, 7900,  DE, ,             ,              ,            banktransfer, banktransfer;moonpay;transak;rampnetwork
            pro,       smart_router,    crypto,       EUR, 7900,  DE, ,             ,              ,            crypto,       crypto
            """)
    void routes(String pkg, String mode, String hint, String currency, long amount, String country, String allow, String block,
                String down, String chosen, String order) {
        RouteDecision decision = router.route(new RouteRequest(hint, amount, currency, country,
                new MerchantPolicy(pkg, mode, list(allow), list(block)), OperatorRules.NONE, list(down)));
        assertThat(decision.chosen() == null ? "-" : decision.chosen()).as(decision.reason()).isEqualTo(chosen);
        assertThat(decision.fallbackOrder()).as(decision.reason()).isEqualTo(order.equals("-") ? List.of() : Arrays.asList(order.split(";")));
        assertThat(decision.reason()).isNotBlank();
    }

    @Test
    void every_candidate_says_why_it_was_or_was_not_eligible() {
        RouteDecision decision = router.route(new RouteRequest("card", 300, "EUR", "DE",
                new MerchantPolicy("pro", "smart_router", Set.of(), Set.of("transak")), OperatorRules.NONE, Set.of("rampnetwork")));
        assertThat(decision.candidates()).extracting(c -> c.provider().slug() + ": " + c.reason()).containsExactly(
                "wert: eligible",
                "moonpay: below its minimum of 2000 minor units",
                "transak: blocked by the merchant's routing lists",
                "rampnetwork: unhealthy now",
                "robinhood: does not take EUR",
                "revolut: eligible");
        assertThat(decision.reason()).isEqualTo("first eligible provider for card in catalogue order");
    }

    @Test
    void the_operators_order_and_switches_apply() {
        OperatorRules rules = new OperatorRules("2026-11-23", Set.of("wert"), Map.of(Method.CARD, List.of("revolut", "transak")));
        RouteDecision decision = router.route(new RouteRequest("card", 7900, "EUR", "DE",
                new MerchantPolicy("pro", "smart_router", Set.of(), Set.of()), rules, Set.of()));
        assertThat(decision.fallbackOrder()).containsExactly("revolut", "transak", "moonpay", "rampnetwork");
        assertThat(decision.candidates()).anySatisfy(c -> {
            assertThat(c.provider().slug()).isEqualTo("wert");
            assertThat(c.reason()).isEqualTo("switched off by the operator");
        });
        assertThat(decision.reason()).isEqualTo("first eligible provider for card in the operator's order");
    }

    @Test
    void a_provider_failure_falls_back_once_per_candidate_and_a_buyers_decline_does_not() {
        RouteDecision decision = router.route(new RouteRequest("card", 7900, "EUR", "DE",
                new MerchantPolicy("pro", "smart_router", Set.of(), Set.of()), OperatorRules.NONE, Set.of()));
        assertThat(Router.fallback(decision, Set.of("wert"), "provider_unavailable")).contains("moonpay");
        assertThat(Router.fallback(decision, Set.of("wert", "moonpay"), "provider_error")).contains("transak");
        assertThat(Router.fallback(decision, Set.of("wert", "moonpay", "transak", "rampnetwork", "revolut"), "provider_error")).isEmpty();
        assertThat(Router.fallback(decision, Set.of("wert"), "insufficient_funds")).isEmpty();
        assertThat(Router.fallback(decision, Set.of("wert"), "card_declined")).isEmpty();
        assertThat(Router.fallback(decision, Set.of("wert"), null)).isEmpty();
    }

    @Test
    void a_requested_provider_that_cannot_take_the_payment_says_so_and_the_next_is_chosen() {
        RouteDecision decision = router.route(new RouteRequest("robinhood", 7900, "EUR", "DE",
                new MerchantPolicy("pro", "smart_router", Set.of(), Set.of()), OperatorRules.NONE, Set.of()));
        assertThat(decision.providerHint()).isEqualTo("robinhood");
        assertThat(decision.chosen()).isEqualTo("wert");
        assertThat(decision.reason()).isEqualTo("provider robinhood requested but does not take EUR; first eligible for card is wert");
    }

    @ParameterizedTest(name = "{0}/{1} in {2}: {3}")
    @CsvSource(nullValues = "", textBlock = """
            pro,  smart_router,    NL, card;paypal;revolut;bank;ideal;other;crypto
            pro,  smart_router,    DE, card;paypal;revolut;bank;other;crypto
            pro,  smart_router,    ,   card;paypal;revolut;bank;other;crypto
            free, hosted_checkout, NL, card;paypal;revolut;bank;ideal;other;crypto
            """)
    void the_hosted_page_offers_what_can_be_paid_here(String pkg, String mode, String country, String offered) {
        var states = router.methods(new MerchantPolicy(pkg, mode, Set.of(), Set.of()), OperatorRules.NONE, Set.of(), 7900, "EUR", country);
        assertThat(states.entrySet().stream().filter(e -> e.getValue().available()).map(e -> e.getKey().slug()).toList())
                .containsExactly(offered.split(";"));
    }

    @Test
    void methods_report_enabled_configured_and_available_separately() {
        var states = router.methods(new MerchantPolicy("pro", "smart_router", Set.of(), Set.of("paypal")),
                new OperatorRules("r1", Set.of("epv2"), Map.of()), Set.of("revolut"), 7900, "EUR", "DE");
        assertThat(states.get(Method.PAYPAL)).isEqualTo(new Router.MethodState(false, true, false));
        assertThat(states.get(Method.OTHER)).isEqualTo(new Router.MethodState(true, false, false));
        assertThat(states.get(Method.REVOLUT)).isEqualTo(new Router.MethodState(true, true, false));
        assertThat(states.get(Method.CARD)).isEqualTo(new Router.MethodState(true, true, true));
        assertThat(states.get(Method.IDEAL)).isEqualTo(new Router.MethodState(true, true, false));
    }

    @Test
    void rules_are_read_from_configuration_text_and_bad_text_says_what_to_write() {
        OperatorRules rules = OperatorRules.parse(" off=wert ; card=revolut,transak;bank=banktransfer ");
        assertThat(rules.disabled()).containsExactly("wert");
        assertThat(rules.preferred()).containsEntry(Method.CARD, List.of("revolut", "transak")).containsEntry(Method.BANK, List.of("banktransfer"));
        assertThat(rules.version()).startsWith("config:").isEqualTo(OperatorRules.parse("card=revolut,transak;off=wert;bank=banktransfer").version());
        assertThat(OperatorRules.parse("")).isSameAs(OperatorRules.NONE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperatorRules.parse("off=wirt"))
                .hasMessage("routing rule 'off=wirt' names 'wirt', which is not a provider");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperatorRules.parse("cards=wert"))
                .hasMessageContaining("'cards' is neither off nor a method");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperatorRules.parse("off"))
                .hasMessageContaining("is not NAME=slug,slug");
    }
}
