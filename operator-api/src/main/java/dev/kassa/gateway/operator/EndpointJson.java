package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.accounts.EndpointFields;
import dev.kassa.gateway.accounts.EndpointSpec;
import dev.kassa.gateway.accounts.MerchantPatch;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator API's webhook-endpoint JSON, mapped to merchant-admin's typed commands: the JSON's shape is checked here
 * with each field's own code; the values (URL, events, lengths, ranges) by {@code WebhookEndpointChanges}.
 */
final class EndpointJson {

    private EndpointJson() {
    }

    /** {@code POST .../webhook-endpoints}: {@code url} (required), {@code event_filter}, {@code description}, {@code max_per_second}. */
    static EndpointSpec spec(JsonNode json) {
        String url = Json.text(json, "url");
        if (url == null) {
            throw ApiError.missingField("url");
        }
        List<String> filter = eventFilter(json);
        String description = description(json);
        MerchantPatch.Value<Integer> throttle = maxPerSecond(json);
        return new EndpointSpec(url, filter, description, throttle == null ? null : throttle.value());
    }

    /**
     * {@code PATCH .../webhook-endpoints/{id}}: the fields present are changed ({@code url}, {@code event_filter},
     * {@code description}, {@code max_per_second}, {@code enabled}); {@code rotate_secret} and {@code end_secret_overlap}.
     */
    static EndpointSpec.Patch patch(JsonNode json) {
        String url = null;
        if (json.has("url")) {
            url = Json.text(json, "url");
            if (url == null) {
                throw ApiError.missingField("url");
            }
        }
        Boolean enabled = null;
        if (json.has("enabled")) {
            if (!json.get("enabled").isBoolean()) {
                throw EndpointFields.invalidEnabled();
            }
            enabled = json.get("enabled").asBoolean();
        }
        return new EndpointSpec.Patch(url,
                json.has("event_filter") ? new MerchantPatch.Value<>(eventFilter(json)) : null,
                json.has("description") ? new MerchantPatch.Value<>(description(json)) : null,
                maxPerSecond(json), enabled,
                json.path("rotate_secret").asBoolean(false), json.path("end_secret_overlap").asBoolean(false));
    }

    /** The filter's entries as text (what is not text is named as it was sent, and refused); null or absent: all events. */
    private static List<String> eventFilter(JsonNode json) {
        JsonNode node = json.get("event_filter");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.size() > EndpointFields.MAX_FILTER_ENTRIES) {
            throw EndpointFields.invalidEventFilter(); // refused before its entries are copied, however many were sent
        }
        List<String> filter = new ArrayList<>();
        node.forEach(item -> filter.add(item.asText()));
        return filter;
    }

    private static String description(JsonNode json) {
        JsonNode node = json.get("description");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw EndpointFields.invalidDescription();
        }
        return node.asText();
    }

    /** Absent: not changed (null); JSON null: no throttle; otherwise a whole number. */
    private static MerchantPatch.Value<Integer> maxPerSecond(JsonNode json) {
        JsonNode node = json.get("max_per_second");
        if (node == null) {
            return null;
        }
        if (node.isNull()) {
            return new MerchantPatch.Value<>(null);
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw EndpointFields.invalidMaxPerSecond();
        }
        return new MerchantPatch.Value<>(node.asInt());
    }
}
