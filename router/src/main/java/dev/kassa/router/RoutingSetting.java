package dev.kassa.router;

import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The routing rules and provider health in effect, as an operator set them: the rules (whose version every decision
 * records), the providers that are down, who changed them, when and why. {@code version} 0 is a gateway's start-up
 * configuration (flags); a version from 1 on is the position of the operator's record on the settings topic, so it
 * only grows and two changes never share one.
 */
public record RoutingSetting(long version, String rulesText, OperatorRules rules, Set<String> unhealthy, String changedBy,
                             Instant changedAt, String note) {

    /** At most this many characters of note: it is for a person, not a document. */
    public static final int NOTE_LIMIT = 500;

    public RoutingSetting {
        unhealthy = Set.copyOf(new TreeSet<>(unhealthy));
    }

    /**
     * A setting from what an operator wrote: the rules text is parsed and its version becomes {@code v<version>}, each
     * unhealthy slug must be a provider.
     *
     * @throws IllegalArgumentException naming what is wrong and how to write it
     */
    public static RoutingSetting of(long version, String rulesText, Collection<String> unhealthy, String changedBy, Instant changedAt,
                                    String note) {
        String text = rulesText == null ? "" : rulesText.trim();
        OperatorRules parsed = OperatorRules.parse(text);
        OperatorRules rules = new OperatorRules(version == 0 ? parsed.version() : "v" + version, parsed.disabled(), parsed.preferred());
        if (note != null && note.length() > NOTE_LIMIT) {
            throw new IllegalArgumentException("the note is " + note.length() + " characters; at most " + NOTE_LIMIT);
        }
        return new RoutingSetting(version, text, rules, providers(unhealthy), changedBy, changedAt, note);
    }

    /**
     * Provider slugs as an operator wrote them (trimmed, lower case, blanks dropped), each a provider of the catalogue.
     *
     * @throws IllegalArgumentException naming the first slug that is not a provider
     */
    public static Set<String> providers(Collection<String> slugs) {
        Set<String> out = new TreeSet<>();
        for (String raw : slugs) {
            String slug = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
            if (slug.isEmpty()) {
                continue;
            }
            if (!Catalogue.known(slug)) {
                throw new IllegalArgumentException("'" + slug + "' is not a provider (" + String.join(", ", Catalogue.slugs()) + ")");
            }
            out.add(slug);
        }
        return out;
    }
}
