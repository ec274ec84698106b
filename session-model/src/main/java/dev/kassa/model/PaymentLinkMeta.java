package dev.kassa.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mark of a session made through a payment link: {@code "payment_link": "pl_…"} in its meta, which only the link
 * page sets (the merchant API refuses the key). Read by the link fold's forwarder and the dashboard.
 */
public final class PaymentLinkMeta {

    private static final Pattern LINK = Pattern.compile("\"payment_link\"\\s*:\\s*\"(pl_[A-Za-z0-9]{1,64})\"");

    private PaymentLinkMeta() {
    }

    /** The link id in a session's meta JSON, or null. */
    public static String linkOf(String metaJson) {
        if (metaJson == null || !metaJson.contains("\"payment_link\"")) {
            return null;
        }
        Matcher m = LINK.matcher(metaJson);
        return m.find() ? m.group(1) : null;
    }
}
