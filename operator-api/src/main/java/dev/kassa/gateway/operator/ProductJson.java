package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.links.Offers;
import dev.kassa.gateway.links.ProductSpec;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;

/**
 * The operator API's product JSON, mapped to merchant-admin's {@link ProductSpec}: the JSON's shape is checked here
 * with each field's own code; the values (slug, lengths, price, image URL) by {@code Products}.
 */
final class ProductJson {

    private ProductJson() {
    }

    /** {@code POST .../products}: slug, name, description, amount, currency, image_url, active. */
    static ProductSpec spec(JsonNode json) {
        ProductSpec.Price price = price(json);
        return new ProductSpec(Json.text(json, "slug"), Json.textField(json, "name", ErrorCode.INVALID_NAME),
                Json.textField(json, "description", ErrorCode.INVALID_DESCRIPTION), price.amount(), price.currency(),
                Json.text(json, "image_url"), Json.booleanField(json, "active", ErrorCode.INVALID_ACTIVE));
    }

    /** {@code PATCH .../products/{slug}}: the fields present are changed; amount and currency together. */
    static ProductSpec.Patch patch(JsonNode json) {
        String name = json.has("name") ? nonNull(Json.textField(json, "name", ErrorCode.INVALID_NAME)) : null;
        String description = json.has("description") ? nonNull(Json.textField(json, "description", ErrorCode.INVALID_DESCRIPTION)) : null;
        ProductSpec.Price price = json.has("amount") || json.has("currency") ? price(json) : null;
        String image = json.has("image_url") ? nonNull(Json.text(json, "image_url")) : null;
        return new ProductSpec.Patch(name, description, price, image, Json.booleanField(json, "active", ErrorCode.INVALID_ACTIVE));
    }

    private static ProductSpec.Price price(JsonNode json) {
        JsonNode amount = json.get("amount");
        if (amount != null && amount.isNumber()) {
            throw Offers.amountNotText();
        }
        return new ProductSpec.Price(Json.text(json, "amount"), Json.text(json, "currency"));
    }

    /** A field sent as JSON null is changed to empty (and then checked), as before the typed commands. */
    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
