package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.CollectJson;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.CustomField;
import dev.kassa.schemas.avro.DropdownOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a create asks the hosted page to ask the buyer (SPEC.md, "Checkout details"): {@code collect} (booleans
 * {@code name}, {@code phone}, {@code billing_address}, {@code shipping_address}) and {@code custom_fields} (at most 3
 * of {@code {key, label, type: text|numeric|dropdown, options?, optional?}}, as Stripe Checkout's). Counts and lengths
 * are checked before anything is read further, so a hostile list costs no more than a short one.
 */
final class CheckoutQuestions {

    static final int MAX_CUSTOM_FIELDS = 3;
    static final int MAX_LABEL = 100;
    static final int MAX_OPTIONS = 200;
    static final int MAX_OPTION = 100;
    static final List<String> TYPES = List.of("text", "numeric", "dropdown");

    private CheckoutQuestions() {
    }

    /**
     * {@code collect}, or null when nothing is asked; a create that does not say takes the merchant's
     * {@code collect_defaults} ({@code defaults}, null: nothing).
     */
    static Collect collect(JsonNode json, Collect defaults) {
        return json.has("collect") ? CollectJson.of(json.get("collect"), ErrorCode.INVALID_COLLECT) : defaults;
    }

    /** {@code custom_fields}; empty when absent. */
    static List<CustomField> customFields(JsonNode json) {
        JsonNode list = json.get("custom_fields");
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray() || list.size() > MAX_CUSTOM_FIELDS) {
            throw refused("'custom_fields' is a list of at most " + MAX_CUSTOM_FIELDS + " fields");
        }
        List<CustomField> fields = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            CustomField field = field(list.get(i), "'custom_fields[" + i + "]'");
            if (!keys.add(field.getKey())) {
                throw refused("'custom_fields' has the key '" + field.getKey() + "' twice; keys are unique");
            }
            fields.add(field);
        }
        return fields;
    }

    private static CustomField field(JsonNode node, String at) {
        if (!node.isObject()) {
            throw refused(at + " must be an object {\"key\", \"label\", \"type\"}");
        }
        String key = text(node, "key", 40);
        if (key == null || !key.matches("[a-z0-9_]{1,40}")) {
            throw refused(at + ".key is 1 to 40 of a-z, 0-9 and _");
        }
        String label = text(node, "label", MAX_LABEL);
        if (label == null || label.isBlank()) {
            throw refused(at + ".label is text of 1 to " + MAX_LABEL + " characters");
        }
        String type = text(node, "type", 10);
        if (type == null || !TYPES.contains(type)) {
            throw refused(at + ".type is text, numeric or dropdown");
        }
        JsonNode optional = node.get("optional");
        if (optional != null && !optional.isNull() && !optional.isBoolean()) {
            throw refused(at + ".optional is true or false");
        }
        List<DropdownOption> options = options(node.get("options"), type, at);
        return new CustomField(key, label.strip(), type, options, optional != null && optional.asBoolean(false));
    }

    private static List<DropdownOption> options(JsonNode list, String type, String at) {
        boolean dropdown = type.equals("dropdown");
        if (list == null || list.isNull()) {
            if (dropdown) {
                throw refused(at + ".options is required for a dropdown: 1 to " + MAX_OPTIONS + " of {\"label\", \"value\"}");
            }
            return List.of();
        }
        if (!dropdown || !list.isArray() || list.isEmpty() || list.size() > MAX_OPTIONS) {
            throw refused(at + ".options is for a dropdown only: 1 to " + MAX_OPTIONS + " of {\"label\", \"value\"}");
        }
        List<DropdownOption> options = new ArrayList<>(list.size());
        Set<String> values = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode option = list.get(i);
            String label = option.isObject() ? text(option, "label", MAX_OPTION) : null;
            String value = option.isObject() ? text(option, "value", MAX_OPTION) : null;
            if (label == null || label.isBlank() || value == null || value.isBlank() || !values.add(value)) {
                throw refused(at + ".options[" + i + "] is {\"label\", \"value\"}, each 1 to " + MAX_OPTION
                        + " characters, values unique");
            }
            options.add(new DropdownOption(label.strip(), value));
        }
        return options;
    }

    /** The field's text if it is text of at most {@code max} characters; null when absent; refused when longer or not text. */
    private static String text(JsonNode node, String field, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > max) {
            throw refused("'custom_fields' " + field + " is text of at most " + max + " characters");
        }
        return value.asText();
    }

    private static ApiError refused(String message) {
        return new ApiError(ErrorCode.INVALID_CUSTOM_FIELDS, message);
    }
}
