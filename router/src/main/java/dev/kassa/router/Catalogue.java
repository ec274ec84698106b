package dev.kassa.router;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The providers Kassa routes to, in default preference order per method (sandbox connectors here, one per slug of
 * seed 003, plus paypal and the crypto checkout). An operator's rules can reorder or disable them.
 */
public final class Catalogue {

    private static final Set<String> MAJOR = Set.of("EUR", "USD", "GBP");

    public static final List<Provider> DEFAULT = List.of(
            new Provider("wert", Layer.EPV1, List.of(Method.CARD), MAJOR, 100, Set.of()),
            new Provider("moonpay", Layer.EPV1, List.of(Method.CARD, Method.BANK), Set.of("EUR", "USD", "GBP", "CHF"), 2000, Set.of()),
            new Provider("transak", Layer.EPV1, List.of(Method.CARD, Method.BANK), MAJOR, 500, Set.of()),
            new Provider("rampnetwork", Layer.EPV1, List.of(Method.CARD, Method.BANK), MAJOR, 100, Set.of()),
            new Provider("robinhood", Layer.EPV1, List.of(Method.CARD), Set.of("USD"), 100, Set.of("US")),
            new Provider("paypal", Layer.EPV1, List.of(Method.PAYPAL), Set.of("EUR", "USD", "GBP", "CHF", "PLN", "SEK"), 100, Set.of()),
            new Provider("revolut", Layer.EPV1, List.of(Method.REVOLUT, Method.CARD), Set.of("EUR", "USD", "GBP", "CHF", "PLN"), 100, Set.of()),
            new Provider("ideal", Layer.EPV1, List.of(Method.IDEAL), Set.of("EUR"), 1, Set.of("NL")),
            new Provider("banktransfer", Layer.EPV1, List.of(Method.BANK), Set.of("EUR", "USD", "GBP"), 100, Set.of()),
            new Provider("epv2", Layer.EPV2, List.of(Method.OTHER), Set.of("EUR", "USD", "GBP"), 100, Set.of()),
            new Provider("crypto", Layer.EPV3, List.of(Method.CRYPTO), Set.of("EUR", "USD", "GBP", "CHF"), 100, Set.of()));

    /**
     * Stripe, the first live provider: cards, in the currencies Kassa's Stripe connector is tested with and Stripe
     * charges cards in (docs/PROVIDERS.md). Not in the sandbox's catalogue: it routes only where it is configured.
     */
    public static final Provider STRIPE = new Provider("stripe", Layer.EPV1, List.of(Method.CARD),
            Set.of("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "JPY", "KWD", "BHD", "JOD", "OMR", "AUD", "CAD",
                    "NZD", "SGD", "HKD", "ISK"), 50, Set.of());

    /** Every live provider Kassa has a connector for; the gateway routes to those configured. */
    public static final List<Provider> LIVE = List.of(STRIPE);

    private Catalogue() {
    }

    /** Whether {@code slug} names a provider Kassa knows, in the sandbox's catalogue or among the live ones. */
    public static boolean known(String slug) {
        return bySlug(DEFAULT, slug).isPresent() || bySlug(LIVE, slug).isPresent();
    }

    /** Every provider slug Kassa knows, for messages. */
    public static List<String> slugs() {
        return Stream.concat(DEFAULT.stream(), LIVE.stream()).map(Provider::slug).toList();
    }

    public static Optional<Provider> bySlug(List<Provider> providers, String slug) {
        return providers.stream().filter(p -> p.slug().equals(slug)).findFirst();
    }
}
