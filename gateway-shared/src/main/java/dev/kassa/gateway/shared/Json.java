package dev.kassa.gateway.shared;

import dev.kassa.model.ErrorCode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpStatus;

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
}
