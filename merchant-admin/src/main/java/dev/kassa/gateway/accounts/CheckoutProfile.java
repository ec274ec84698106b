package dev.kassa.gateway.accounts;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.observability.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * How a merchant presents itself to its buyers on the hosted page, payment-link and product pages: the name shown
 * instead of the shop's domain, and where a buyer gets help (an e-mail address, a support page). Each is optional;
 * blank text removes it. The checks are here so that the operator API and the dashboard refuse the same values with
 * the same codes.
 */
public record CheckoutProfile(String displayName, String supportEmail, String supportUrl) {

    public static final int MAX_DISPLAY_NAME = 100;
    public static final int MAX_EMAIL = 254;
    public static final int MAX_URL = 2048;

    /** A display name: at most 100 characters on one line, never a card number; blank: none. */
    public static String displayName(String text) {
        String value = blankToNull(text);
        if (value != null && (value.length() > MAX_DISPLAY_NAME || value.chars().anyMatch(Character::isISOControl)
                || Redaction.containsCard(value))) {
            throw new ApiError(ErrorCode.INVALID_DISPLAY_NAME, "'display_name' is at most " + MAX_DISPLAY_NAME
                    + " characters on one line, and never a card number");
        }
        return value;
    }

    /** A support e-mail address of at most 254 characters; blank: none. */
    public static String supportEmail(String text) {
        String value = blankToNull(text);
        if (value != null && (value.length() > MAX_EMAIL || !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"))) {
            throw new ApiError(ErrorCode.INVALID_SUPPORT_EMAIL, "'support_email' must be an e-mail address such as help@yourshop.com");
        }
        return value;
    }

    /** A support page: an https URL of at most 2,048 characters with a host; blank: none. */
    public static String supportUrl(String text) {
        String value = blankToNull(text);
        if (value == null) {
            return null;
        }
        boolean ok;
        try {
            URI uri = new URI(value);
            ok = value.length() <= MAX_URL && "https".equals(uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            ok = false;
        }
        if (!ok) {
            throw new ApiError(ErrorCode.INVALID_SUPPORT_URL, "'support_url' must be an https URL such as https://yourshop.com/help");
        }
        return value;
    }

    /** Every field checked as its own setter checks it. */
    public static CheckoutProfile checked(String displayName, String supportEmail, String supportUrl) {
        return new CheckoutProfile(displayName(displayName), supportEmail(supportEmail), supportUrl(supportUrl));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
