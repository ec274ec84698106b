package dev.kassa.gateway.sandbox;

import dev.kassa.observability.Redaction;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's test card numbers and what each makes the provider report. Only the last four digits of any
 * number ever leave the request that carried it.
 */
public final class TestCards {

    /** What a test card does. */
    public record Behaviour(SandboxPayments.Outcome outcome, String failureCode, String label) {
    }

    public static final Map<String, Behaviour> CARDS = Map.of(
            "4242424242424242", new Behaviour(SandboxPayments.Outcome.PAID, null, "succeeds"),
            "4000000000000002", new Behaviour(SandboxPayments.Outcome.FAILED, "card_declined", "declined"),
            "4000000000009995", new Behaviour(SandboxPayments.Outcome.FAILED, "insufficient_funds", "declined: insufficient funds"),
            "4000000000003220", new Behaviour(SandboxPayments.Outcome.REQUIRES_ACTION, null, "asks for 3-D Secure"),
            "4000000000000259", new Behaviour(SandboxPayments.Outcome.REVIEW, null, "goes to review"),
            "4000000000000119", new Behaviour(SandboxPayments.Outcome.PROVIDER_ERROR, null,
                    "provider error at the first provider, then paid at the next"));

    private TestCards() {
    }

    /** Digits only, 12 to 19 of them, passing the Luhn check; empty otherwise. */
    public static Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String digits = raw.replaceAll("[ -]", "");
        if (!digits.matches("\\d{12,19}") || !Redaction.luhn(digits)) {
            return Optional.empty();
        }
        return Optional.of(digits);
    }

    /** A valid number that is not a test card is declined, as a real sandbox does. */
    public static Behaviour behaviourOf(String digits) {
        return CARDS.getOrDefault(digits, new Behaviour(SandboxPayments.Outcome.FAILED, "card_declined", "not a test card"));
    }

    public static String last4(String digits) {
        return digits.substring(digits.length() - 4);
    }
}
