package dev.kassa.router;

import java.util.Set;

/**
 * Everything a routing decision depends on, and nothing else: the buyer's or merchant's hint (any of seed 003's
 * four field names carries it), the amount in minor units, the currency, the buyer's country (ISO 3166 alpha-2, or
 * null when unknown), the merchant's policy, the operator's rules, and the providers that are down now.
 */
public record RouteRequest(String hint, long amountMinor, String currency, String buyerCountry, MerchantPolicy merchant,
                           OperatorRules rules, Set<String> unhealthy) {

    public RouteRequest {
        unhealthy = Set.copyOf(unhealthy);
    }
}
