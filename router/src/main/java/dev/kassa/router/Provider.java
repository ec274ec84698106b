package dev.kassa.router;

import java.util.List;
import java.util.Set;

/**
 * A payment provider the router can send a buyer to: its slug (seed 003's names), layer, the methods it takes, the
 * currencies it settles, its smallest amount (minor units, any currency), and the buyer countries it serves
 * (empty: any).
 */
public record Provider(String slug, Layer layer, List<Method> methods, Set<String> currencies, long minAmountMinor,
                       Set<String> countries) {

    public Provider {
        methods = List.copyOf(methods);
        currencies = Set.copyOf(currencies);
        countries = Set.copyOf(countries);
    }

    public boolean takes(Method method) {
        return methods.contains(method);
    }
}
