package dev.kassa.router;

import java.util.Locale;
import java.util.Optional;

/** What the buyer pays with, as the seeds name it; {@code CRYPTO} is the EPv3 crypto checkout. */
public enum Method {
    CARD, PAYPAL, REVOLUT, BANK, IDEAL, OTHER, CRYPTO;

    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The method a word names: the six of seed 003, plus {@code crypto}; {@code bank_transfer} is bank. */
    public static Optional<Method> of(String word) {
        if (word == null) {
            return Optional.empty();
        }
        return switch (word.trim().toLowerCase(Locale.ROOT)) {
            case "card" -> Optional.of(CARD);
            case "paypal" -> Optional.of(PAYPAL);
            case "revolut" -> Optional.of(REVOLUT);
            case "bank", "bank_transfer" -> Optional.of(BANK);
            case "ideal" -> Optional.of(IDEAL);
            case "other" -> Optional.of(OTHER);
            case "crypto" -> Optional.of(CRYPTO);
            default -> Optional.empty();
        };
    }
}
