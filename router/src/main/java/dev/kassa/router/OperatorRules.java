package dev.kassa.router;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator's routing rules: providers switched off for everyone, a preferred order per method (slugs named
 * here come first, in this order, the rest keep the catalogue's order), and a version that decisions record.
 */
public record OperatorRules(String version, Set<String> disabled, Map<Method, List<String>> preferred) {

    public static final OperatorRules NONE = new OperatorRules("default", Set.of(), Map.of());

    public OperatorRules {
        disabled = Set.copyOf(disabled);
        preferred = Map.copyOf(preferred);
    }
}
