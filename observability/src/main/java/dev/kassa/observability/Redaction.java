package dev.kassa.observability;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last line of defence for logs: whatever a message says, card numbers and Kassa's secrets do not reach the
 * file. A card number is 13 to 19 digits, optionally grouped by spaces or dashes, that passes the Luhn check; it
 * becomes {@code [card ••••1111]} (the last four only, as on the hosted page). Webhook secrets ({@code whsec_…}),
 * API keys and admin tokens ({@code kassa_…}) and bearer credentials become {@code [redacted]}.
 */
public final class Redaction {

    private static final Pattern CARD = Pattern.compile("(?<![0-9])(?:[0-9][ -]?){12,18}[0-9](?![0-9])");
    private static final Pattern SECRET = Pattern.compile("(whsec_|kassa_(?:admin_)?)[A-Za-z0-9+/=_-]{8,}");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[^\\s\",}]+");
    private static final Pattern SIGNATURE = Pattern.compile("(?i)(v1=|v1,)[A-Za-z0-9+/=]{16,}");

    private Redaction() {
    }

    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        // Over-redaction is the price: one in ten 16-digit numbers passes the Luhn check. Kassa's own session ids are
        // drawn never Luhn-valid (gateway Secrets.id), so they survive; other long numbers may be shown as
        // [card ••••NNNN].
        if (hasDigits(out, 13)) {
            Matcher m = CARD.matcher(out);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String digits = m.group().replaceAll("[ -]", "");
                String replacement = luhn(digits) ? "[card ••••" + digits.substring(digits.length() - 4) + "]" : m.group();
                m.appendReplacement(b, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(b);
            out = b.toString();
        }
        return scrubSecrets(out);
    }

    /**
     * Whether {@code text} holds a card number as cards are written: 13 to 19 digits starting with 2 to 6 (the card
     * networks' ranges), unbroken or in groups of four (the last shorter) or Amex's 4-6-5, passing the Luhn check. For
     * refusing input, where a false alarm costs a merchant a session (an order id like INV-2026-000123-4567 is not a
     * card); the log scrubber stays broader, where a false alarm costs only a masked number.
     */
    public static boolean containsCard(String text) {
        if (text == null || !hasDigits(text, 13)) {
            return false;
        }
        Matcher m = CARD.matcher(text);
        while (m.find()) {
            String written = m.group();
            String digits = written.replaceAll("[ -]", "");
            if (digits.charAt(0) >= '2' && digits.charAt(0) <= '6' && CARD_GROUPS.matcher(written).matches() && luhn(digits)) {
                return true;
            }
        }
        return false;
    }

    /** Unbroken, groups of four with a shorter last group, or 4-6-5; one separator kind. */
    private static final Pattern CARD_GROUPS = Pattern.compile("[0-9]{13,19}|[0-9]{4}(?:([ -])[0-9]{4}){2,3}(?:\\1[0-9]{1,4})?|[0-9]{4}([ -])[0-9]{6}\\2[0-9]{5}");

    /** Secrets only, for values Kassa generated itself (session, merchant, event ids) that are never card numbers. */
    public static String scrubSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        // Cheap guards first: every access-log line passes here, and most contain none of these.
        String out = text;
        if (out.contains("whsec_") || out.contains("kassa_")) {
            out = SECRET.matcher(out).replaceAll("$1[redacted]");
        }
        if (out.toLowerCase(Locale.ROOT).contains("bearer")) {
            out = BEARER.matcher(out).replaceAll("$1[redacted]");
        }
        if (out.contains("v1") || out.contains("V1")) {
            out = SIGNATURE.matcher(out).replaceAll("$1[redacted]");
        }
        return out;
    }

    private static boolean hasDigits(String text, int atLeast) {
        int n = 0;
        for (int i = 0; i < text.length() && n < atLeast; i++) {
            if (Character.isDigit(text.charAt(i))) {
                n++;
            }
        }
        return n >= atLeast;
    }

    /** The Luhn check of a string of digits (card numbers pass it). */
    public static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
