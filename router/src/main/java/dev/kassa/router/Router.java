package dev.kassa.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Smart routing, pure: the same request always gives the same decision, so a new rule set can be tried against
 * past traffic (the recorded inputs) before it goes live.
 *
 * <ul>
 *   <li>Package {@code free}, or checkout mode {@code hosted_checkout}: hosted checkout only, hints ignored.</li>
 *   <li>No hint: the buyer chooses on the hosted page ({@link #methods} says which methods it offers).</li>
 *   <li>A method hint ({@code card, paypal, revolut, bank, ideal, other, crypto}): every provider taking that method,
 *       operator-preferred first, each checked against the layer rule (EPv2 only for {@code other}), the merchant's
 *       allow/block lists, the operator's switches, currency, minimum amount, buyer country (iDEAL: NL only) and
 *       health; the first eligible is chosen, the rest are the fallback order.</li>
 *   <li>A provider slug ({@code wert}, …, {@code epv2}): that provider first, then the other providers of its
 *       first method; {@code epv2} means method {@code other}.</li>
 * </ul>
 */
public final class Router {

    /** Declines that another provider could take: tried on the next candidate. A buyer's own decline is final. */
    public static final Set<String> PROVIDER_FAILURES = Set.of("provider_error", "provider_unavailable", "provider_timeout",
            "unsupported_card_brand", "currency_not_supported");

    private final List<Provider> catalogue;

    public Router(List<Provider> catalogue) {
        this.catalogue = List.copyOf(catalogue);
    }

    public static Router standard() {
        return new Router(Catalogue.DEFAULT);
    }

    public List<Provider> catalogue() {
        return catalogue;
    }

    public RouteDecision route(RouteRequest request) {
        String hint = request.hint() == null ? null : request.hint().trim().toLowerCase(Locale.ROOT);
        if (!request.merchant().smart()) {
            String why = "free".equals(request.merchant().packageName())
                    ? "package free: hosted checkout only, routing hints ignored"
                    : "checkout mode hosted_checkout: the buyer chooses on the hosted page, routing hints ignored";
            return new RouteDecision(null, null, List.of(), null, why, request.rules().version());
        }
        if (hint == null || hint.isEmpty()) {
            return new RouteDecision(null, null, List.of(), null, "no routing hint: the buyer chooses on the hosted page",
                    request.rules().version());
        }
        Optional<Method> method = Method.of(hint);
        Optional<Provider> slug = Catalogue.bySlug(catalogue, hint);
        // "revolut" and "ideal" are both a method and a slug: when they agree it is the same route.
        Optional<Provider> direct = method.isPresent() && slug.isPresent() && slug.get().methods().get(0) != method.get()
                ? Optional.empty() : slug;
        if (method.isEmpty() && direct.isEmpty()) {
            return new RouteDecision(null, null, List.of(), null, "routing hint '" + hint + "' is neither a method nor a provider: ignored, "
                    + "the buyer chooses on the hosted page", request.rules().version());
        }
        Method wanted = method.orElseGet(() -> direct.get().methods().get(0));
        List<Provider> order = new ArrayList<>(catalogue.stream().filter(p -> p.takes(wanted)).toList());
        List<String> preferred = request.rules().preferred().getOrDefault(wanted, List.of());
        order.sort(Comparator.comparingInt(p -> {
            int i = preferred.indexOf(p.slug());
            return i < 0 ? preferred.size() : i;
        }));
        if (direct.isPresent()) {
            Provider first = direct.get();
            order.remove(first);
            order.add(0, first);
        }
        List<RouteDecision.Candidate> candidates = new ArrayList<>();
        for (Provider provider : order) {
            String refusal = refusal(provider, wanted, request);
            candidates.add(new RouteDecision.Candidate(provider, wanted, refusal == null, refusal == null ? "eligible" : refusal));
        }
        Optional<RouteDecision.Candidate> choice = candidates.stream().filter(RouteDecision.Candidate::eligible).findFirst();
        String reason;
        if (choice.isEmpty()) {
            reason = "no provider can take " + wanted.slug() + " for " + request.currency() + " here: the buyer chooses on the hosted page";
        } else if (direct.isPresent() && choice.get().provider() == direct.get()) {
            reason = "provider " + direct.get().slug() + " requested and eligible";
        } else if (direct.isPresent()) {
            reason = "provider " + direct.get().slug() + " requested but " + candidates.get(0).reason() + "; first eligible for "
                    + wanted.slug() + " is " + choice.get().provider().slug();
        } else {
            reason = "first eligible provider for " + wanted.slug() + (preferred.isEmpty() ? " in catalogue order" : " in the operator's order");
        }
        return new RouteDecision(wanted, direct.map(Provider::slug).orElse(null), candidates,
                choice.map(c -> c.provider().slug()).orElse(null), reason, request.rules().version());
    }

    /**
     * After {@code failed} declined with {@code failureCode}: the next eligible candidate not yet tried, or empty when
     * the decline was the buyer's own (insufficient funds, a declined card) or nothing is left.
     */
    public static Optional<String> fallback(RouteDecision decision, Set<String> tried, String failureCode) {
        if (failureCode == null || !PROVIDER_FAILURES.contains(failureCode)) {
            return Optional.empty();
        }
        return decision.fallbackOrder().stream().filter(slug -> !tried.contains(slug)).findFirst();
    }

    /**
     * What the hosted page offers and {@code me.php} reports, per method: {@code enabled} (the merchant's lists allow
     * it), {@code configured} (some provider takes it and the operator has not switched all of them off), and
     * {@code available} (both, smart routing effective, and a provider eligible for this amount, currency, country
     * and health). Methods of the hosted page ignore the package: a free merchant's buyers still pay.
     */
    public Map<Method, MethodState> methods(MerchantPolicy merchant, OperatorRules rules, Set<String> unhealthy, long amountMinor,
                                            String currency, String buyerCountry) {
        Map<Method, MethodState> states = new LinkedHashMap<>();
        for (Method method : Method.values()) {
            boolean enabled = merchant.permits(method);
            boolean configured = catalogue.stream().anyMatch(p -> p.takes(method) && !rules.disabled().contains(p.slug()));
            RouteRequest probe = new RouteRequest(method.slug(), amountMinor, currency, buyerCountry, merchant, rules, unhealthy);
            boolean payable = catalogue.stream().filter(p -> p.takes(method)).anyMatch(p -> refusal(p, method, probe) == null);
            states.put(method, new MethodState(enabled, configured, enabled && configured && payable));
        }
        return states;
    }

    /** One method's state for the hosted page and {@code me.php}. */
    public record MethodState(boolean enabled, boolean configured, boolean available) {
    }

    private static String refusal(Provider provider, Method method, RouteRequest request) {
        if (provider.layer() == Layer.EPV2 && method != Method.OTHER) {
            return "EPv2 serves only method other";
        }
        if (!request.merchant().permits(method, provider.slug())) {
            return "blocked by the merchant's routing lists";
        }
        if (request.rules().disabled().contains(provider.slug())) {
            return "switched off by the operator";
        }
        if (!provider.currencies().contains(request.currency())) {
            return "does not take " + request.currency();
        }
        if (request.amountMinor() < provider.minAmountMinor()) {
            return "below its minimum of " + provider.minAmountMinor() + " minor units";
        }
        if (!provider.countries().isEmpty()) {
            if (request.buyerCountry() == null) {
                return "serves only buyers in " + String.join(", ", new TreeSet<>(provider.countries())) + "; the buyer's country is unknown";
            }
            if (!provider.countries().contains(request.buyerCountry())) {
                return "serves only buyers in " + String.join(", ", new TreeSet<>(provider.countries()));
            }
        }
        if (request.unhealthy().contains(provider.slug())) {
            return "unhealthy now";
        }
        return null;
    }
}
