package dev.kassa.gateway.links;

/**
 * A new payment link, typed: what the merchant API's JSON and the dashboard's form both become. The values are checked
 * by {@link PaymentLinks#create}: {@code amount} is a decimal string (never a binary number), {@code expiresAt} an
 * ISO-8601 or seed time (UTC) or null for never, {@code maxUses} null for "as many as allowed".
 */
public record LinkSpec(String amount, String currency, String description, boolean reusable, Integer maxUses, String expiresAt) {
}
