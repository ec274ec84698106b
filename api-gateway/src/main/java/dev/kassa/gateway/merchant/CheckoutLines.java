package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.observability.Redaction;
import dev.kassa.schemas.avro.LineItem;
import java.util.ArrayList;
import java.util.List;

/**
 * What a create says is sold (SPEC.md, "Checkout details"): {@code description}, at most 500 characters, and
 * {@code line_items}, at most 100 of {@code {name ≤ 200, quantity 1..999, unit_amount}} in the session's currency whose
 * sum is the session's {@code amount}. The count is checked before any item is read, so a hostile list costs no more
 * than a short one; each refusal names the item and what to change.
 */
final class CheckoutLines {

    static final int MAX_DESCRIPTION = 500;
    static final int MAX_LINE_ITEMS = 100;
    static final int MAX_ITEM_NAME = 200;
    static final int MAX_QUANTITY = 999;

    private CheckoutLines() {
    }

    /** The description, stripped; null when absent or blank. */
    static String description(JsonNode json) {
        JsonNode value = json.get("description");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > MAX_DESCRIPTION || Redaction.containsCard(value.asText())) {
            throw new ApiError(ErrorCode.INVALID_DESCRIPTION, "'description' is text of at most " + MAX_DESCRIPTION
                    + " characters, and never a card number");
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    /** The line items, checked against the session's currency and amount; empty when absent. */
    static List<LineItem> lineItems(JsonNode json, String currency, long amountMinor) {
        JsonNode list = json.get("line_items");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray() || list.size() > MAX_LINE_ITEMS) {
            throw refused("'line_items' is a list of at most " + MAX_LINE_ITEMS + " items");
        }
        List<LineItem> items = new ArrayList<>(list.size());
        long sum = 0;
        for (int i = 0; i < list.size(); i++) {
            LineItem item = item(list.get(i), i, currency);
            try {
                sum = Math.addExact(sum, Math.multiplyExact(item.getUnitAmountMinor(), (long) item.getQuantity()));
            } catch (ArithmeticException e) {
                throw refused("'line_items' add up to more than any amount can be");
            }
            items.add(item);
        }
        if (!items.isEmpty() && sum != amountMinor) {
            throw refused("'line_items' add up to " + Money.toDecimal(sum, currency) + " " + currency + " but 'amount' is "
                    + Money.toDecimal(amountMinor, currency) + ": quantity × unit_amount of every item must sum to the amount");
        }
        return items;
    }

    private static LineItem item(JsonNode node, int index, String currency) {
        String at = "'line_items[" + index + "]'";
        if (!node.isObject()) {
            throw refused(at + " must be an object {\"name\", \"quantity\", \"unit_amount\"}");
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > MAX_ITEM_NAME
                || Redaction.containsCard(name.asText())) {
            throw refused(at + ".name is text of 1 to " + MAX_ITEM_NAME + " characters");
        }
        JsonNode quantity = node.get("quantity");
        if (quantity == null || !quantity.isIntegralNumber() || !quantity.canConvertToInt() || quantity.asInt() < 1
                || quantity.asInt() > MAX_QUANTITY) {
            throw refused(at + ".quantity is a whole number from 1 to " + MAX_QUANTITY);
        }
        JsonNode itemCurrency = node.get("currency");
        if (itemCurrency != null && !itemCurrency.isNull() && !currency.equalsIgnoreCase(itemCurrency.asText().strip())) {
            throw refused(at + " is in " + itemCurrency.asText() + ", but every item is in the session's currency " + currency);
        }
        JsonNode unit = node.get("unit_amount");
        long unitMinor;
        try {
            if (unit == null || !(unit.isTextual() || unit.isNumber())) {
                throw new IllegalArgumentException("missing");
            }
            unitMinor = Money.toMinor(unit.asText(), currency);
        } catch (IllegalArgumentException e) {
            throw refused(at + ".unit_amount is a decimal string such as \"12.50\", more than 0, in " + currency);
        }
        return new LineItem(name.asText().strip(), quantity.asInt(), unitMinor);
    }

    private static ApiError refused(String message) {
        return new ApiError(ErrorCode.INVALID_LINE_ITEMS, message);
    }
}
