package dev.kassa.router;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * Rules written as configuration: {@code off=wert,moonpay; card=revolut,transak; bank=banktransfer} (providers
     * switched off; per method, the preferred order). Empty text: no rules. The version recorded with each decision
     * is {@code config:} and a short digest of the normalized text, so a decision says which rules made it.
     *
     * @throws IllegalArgumentException naming the part that is wrong and how to write it
     */
    public static OperatorRules parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        Set<String> off = new TreeSet<>();
        Map<Method, List<String>> order = new EnumMap<>(Method.class);
        for (String part : text.split(";")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            String[] kv = item.split("=", 2);
            if (kv.length != 2 || kv[1].isBlank()) {
                throw new IllegalArgumentException("routing rule '" + item + "' is not NAME=slug,slug (e.g. off=wert or card=revolut,wert)");
            }
            List<String> slugs = Arrays.stream(kv[1].split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                    .filter(s -> !s.isEmpty()).toList();
            for (String slug : slugs) {
                if (!Catalogue.known(slug)) {
                    throw new IllegalArgumentException("routing rule '" + item + "' names '" + slug + "', which is not a provider");
                }
            }
            String name = kv[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("off")) {
                off.addAll(slugs);
            } else {
                Method method = Method.of(name).orElseThrow(() -> new IllegalArgumentException("routing rule '" + item
                        + "': '" + name + "' is neither off nor a method (card, paypal, revolut, bank, ideal, other, crypto)"));
                order.put(method, slugs);
            }
        }
        String normalized = "off=" + String.join(",", off) + ";" + order;
        String digest = Integer.toHexString(normalized.hashCode());
        return new OperatorRules("config:" + digest, off, order);
    }
}
