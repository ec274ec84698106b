package dev.kassa.gateway.links;

/**
 * A new product, typed: what the operator API's JSON and the dashboard's form both become; the values are checked by
 * {@link Products#create}. {@code amount} is a decimal string; {@code imageUrl} null or blank: no image; {@code active}
 * null: on.
 */
public record ProductSpec(String slug, String name, String description, String amount, String currency, String imageUrl,
                          Boolean active) {

    /**
     * A change of a product: a null field is "not changed". A new price is an amount with its currency (either one sent
     * asks for both); a blank {@code imageUrl} removes the image. The slug, the page's address, never changes.
     */
    public record Patch(String name, String description, Price price, String imageUrl, Boolean active) {

        /** Only turning the product off or on. */
        public static Patch active(boolean active) {
            return new Patch(null, null, null, null, active);
        }
    }

    /** A price as sent: a decimal string and an ISO 4217 code, both checked together. */
    public record Price(String amount, String currency) {
    }
}
