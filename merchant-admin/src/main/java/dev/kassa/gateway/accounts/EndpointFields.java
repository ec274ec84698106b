package dev.kassa.gateway.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.WebhookTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A webhook endpoint's fields as the merchant API, the operator API and the dashboard send them, checked: each bad
 * shape is an {@link ApiError} with its own code and a message that says what to send instead.
 */
public final class EndpointFields {

    /** The statuses an event filter may name (besides event types and families). */
    public static final Set<String> STATUSES = Set.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded");
    private static final int MAX_DESCRIPTION = 255;

    private EndpointFields() {
    }

    public static String required(JsonNode json, String field) {
        String value = Json.text(json, field);
        if (value == null) {
            throw ApiError.missingField(field);
        }
        return value;
    }

    public static List<String> eventFilter(JsonNode json) {
        JsonNode node = json.get("event_filter");
        if (node == null || node.isNull()) {
            return List.of("*");
        }
        if (!node.isArray() || node.isEmpty() || node.size() > WebhookTypes.CATALOGUE.size() + STATUSES.size() + 1) {
            throw new ApiError(ErrorCode.INVALID_EVENT_FILTER,
                    "'event_filter' must be a list of event types (e.g. [\"checkout.session.paid\", \"refund.*\"]), statuses, or [\"*\"]");
        }
        List<String> filter = new ArrayList<>();
        for (JsonNode item : node) {
            String entry = item.isTextual() ? item.asText().toLowerCase(Locale.ROOT) : "";
            if (!WebhookTypes.isFilter(entry)) {
                throw new ApiError(ErrorCode.INVALID_EVENT_FILTER, "'event_filter' names '" + item.asText()
                        + "', which is neither an event type nor a status; use one of " + String.join(", ", WebhookTypes.CATALOGUE)
                        + ", a family such as refund.*, a status (" + String.join(", ", STATUSES.stream().sorted().toList()) + ") or *");
            }
            if (!filter.contains(entry)) {
                filter.add(entry);
            }
        }
        return filter.contains("*") ? List.of("*") : filter;
    }

    public static String description(JsonNode json) {
        JsonNode node = json.get("description");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > MAX_DESCRIPTION) {
            throw new ApiError(ErrorCode.INVALID_DESCRIPTION, "'description' must be text of at most " + MAX_DESCRIPTION + " characters");
        }
        return node.asText();
    }

    public static Integer maxPerSecond(JsonNode json, Integer current) {
        JsonNode node = json.get("max_per_second");
        if (node == null) {
            return current;
        }
        if (node.isNull()) {
            return null;
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > 10_000) {
            throw new ApiError(ErrorCode.INVALID_MAX_PER_SECOND, "'max_per_second' must be a whole number from 1 to 10,000, or null");
        }
        return node.asInt();
    }

    public static boolean enabled(JsonNode json) {
        JsonNode node = json.get("enabled");
        if (!node.isBoolean()) {
            throw new ApiError(ErrorCode.INVALID_ENABLED, "'enabled' must be true or false");
        }
        return node.asBoolean();
    }
}
