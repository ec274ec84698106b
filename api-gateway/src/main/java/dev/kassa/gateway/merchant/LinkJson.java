package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.links.LinkSpec;
import dev.kassa.gateway.links.Offers;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;

/**
 * The merchant API's payment-link JSON, mapped to merchant-admin's {@link LinkSpec}: the JSON's shape (text, a whole
 * number, true or false) is checked here with each field's own code; the values by {@code PaymentLinks}.
 */
final class LinkJson {

    private LinkJson() {
    }

    static LinkSpec spec(JsonNode json) {
        JsonNode amount = json.get("amount");
        if (amount != null && amount.isNumber()) {
            throw Offers.amountNotText();
        }
        String currency = Json.text(json, "currency");
        String description = Json.textField(json, "description", ErrorCode.INVALID_DESCRIPTION);
        Boolean reusable = Json.booleanField(json, "reusable", ErrorCode.INVALID_REUSABLE);
        return new LinkSpec(Json.text(json, "amount"), currency, description, reusable != null && reusable, maxUses(json),
                expiresAt(json));
    }

    private static Integer maxUses(JsonNode json) {
        JsonNode node = json.get("max_uses");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw Offers.invalidMaxUses();
        }
        return node.asInt();
    }

    private static String expiresAt(JsonNode json) {
        JsonNode node = json.get("expires_at");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw Offers.invalidExpiresAt();
        }
        return node.asText();
    }
}
