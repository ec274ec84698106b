package dev.kassa.gateway.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.model.ErrorCode;

/** Request bodies are parsed here, so that bad JSON is {@code invalid_json}, never a framework error page. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static JsonNode object(String body) {
        if (body == null || body.isBlank()) {
            throw new ApiError(ErrorCode.INVALID_JSON, "the body must be a JSON object");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ApiError(ErrorCode.INVALID_JSON, "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiError(ErrorCode.INVALID_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
    }

    /** A field that must be text when present: its text, or null when absent or JSON null; {@code code} otherwise. */
    public static String textField(JsonNode node, String field, ErrorCode code) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new ApiError(code, "'" + field + "' must be text");
        }
        return value.asText();
    }

    /** A field that must be true or false when present: its value, or null when absent or JSON null; {@code code} otherwise. */
    public static Boolean booleanField(JsonNode node, String field, ErrorCode code) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new ApiError(code, "'" + field + "' must be true or false");
        }
        return value.asBoolean();
    }
}
