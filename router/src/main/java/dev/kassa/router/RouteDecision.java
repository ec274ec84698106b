package dev.kassa.router;

import java.util.List;
import java.util.Optional;

/**
 * A decision and how it was reached: the method the hint named (if any), every candidate considered in fallback
 * order with whether it was eligible and why, the choice (null: the buyer chooses on the hosted page), and the
 * reason in words, and the version of the operator's rules it was made under (which its record names).
 */
public record RouteDecision(Method method, String providerHint, List<Candidate> candidates, String chosen, String reason,
                            String rulesVersion) {

    /** One provider considered. */
    public record Candidate(Provider provider, Method method, boolean eligible, String reason) {
    }

    public RouteDecision {
        candidates = List.copyOf(candidates);
    }

    /** The eligible providers in the order they are tried. */
    public List<String> fallbackOrder() {
        return candidates.stream().filter(Candidate::eligible).map(c -> c.provider().slug()).toList();
    }

    public Optional<Provider> chosenProvider() {
        return candidates.stream().filter(c -> c.provider().slug().equals(chosen)).map(Candidate::provider).findFirst();
    }
}
