package dev.kassa.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON Schema (2020-12, as OpenAPI 3.1 uses it) per webhook type of {@link WebhookTypes#CATALOGUE}: the body
 * {@link WebhookPayload} builds for a session's event, the {@code ping} and the {@code webhook_endpoint.disabled}
 * notice. The gateway publishes them as the OpenAPI document's {@code webhooks}; WebhookSchemasTest validates bodies
 * built by the payload code against them, so a field added to one and not the other fails the build. Every object
 * admits no undocumented field.
 */
public final class WebhookSchemas {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private WebhookSchemas() {
    }

    /** What each type means, for the document. */
    public static String describe(String type) {
        return switch (type) {
            case WebhookTypes.REFUND_SUCCEEDED -> "The provider confirmed a refund (partial or full). `status` is the session's after it: "
                    + "`paid` after a partial refund, `refunded` after a full one; `refunded_amount` is the total so far.";
            case WebhookTypes.REFUND_FAILED -> "The provider refused a refund; nothing was refunded and the reservation is released.";
            case WebhookTypes.ENDPOINT_DISABLED -> "One of the merchant's other endpoints was disabled after failing for days; sent to the "
                    + "merchant's enabled endpoints.";
            case WebhookTypes.PING -> "A test delivery an operator or the merchant asked for (`POST .../webhook-endpoints/{id}/test`).";
            default -> type.equals(WebhookTypes.of(SessionStatus.REFUNDED))
                    ? "Listed for filters only: a full refund is announced as `refund.succeeded` with `status: refunded`, "
                    + "which an endpoint filtering `checkout.session.refunded` or `refunded` receives."
                    : "The session moved to `" + type.substring(WebhookTypes.PREFIX.length()) + "`. Sent once per transition; "
                    + "`checkout.session.paid` exactly once per paid session.";
        };
    }

    /** The schema of {@code type}'s body. */
    public static ObjectNode of(String type) {
        if (!WebhookTypes.CATALOGUE.contains(type)) {
            throw new IllegalArgumentException("not a webhook type: " + type);
        }
        return switch (type) {
            case WebhookTypes.PING -> object(List.of("type", "event_id", "merchant_id", "endpoint_id", "sent_at"),
                    Map.of("type", constant(type), "event_id", string(), "merchant_id", integer(), "endpoint_id", string(),
                            "sent_at", string()));
            case WebhookTypes.ENDPOINT_DISABLED -> object(List.of("type", "event_id", "merchant_id", "endpoint_id", "url",
                    "reason", "disabled_at"), Map.of("type", constant(type), "event_id", string(), "merchant_id", integer(),
                    "endpoint_id", string(), "url", string(), "reason", string(), "disabled_at", string()));
            default -> session(type);
        };
    }

    /** Seed 003's body plus Kassa's fields; {@code refund} on {@code refund.*} only. */
    private static ObjectNode session(String type) {
        boolean refund = type.startsWith("refund.");
        Map<String, ObjectNode> properties = new LinkedHashMap<>();
        properties.put("event", constant("payment.session"));
        properties.put("type", constant(type));
        properties.put("event_id", string());
        properties.put("session_id", integer());
        properties.put("order_id", string());
        properties.put("status", refund ? enumOf("paid", "refunded") : constant(type.substring(WebhookTypes.PREFIX.length())));
        properties.put("previous_status", nullable("string"));
        properties.put("sequence", integer());
        properties.put("amount", string());
        properties.put("currency", string());
        properties.put("paid_amount", nullable("string"));
        properties.put("paid_currency", string());
        properties.put("review_reason", string());
        properties.put("shop_domain", string());
        properties.put("email", nullable("string"));
        for (String reference : SessionView.REFERENCE_FIELDS) {
            properties.put(reference, nullable("string"));
        }
        properties.put("refunded_amount", string());
        if (refund) {
            properties.put("refund", object(List.of("refund_id", "amount", "currency", "status", "reason"),
                    Map.of("refund_id", string(), "amount", string(), "currency", string(),
                            "status", constant(type.equals(WebhookTypes.REFUND_SUCCEEDED) ? "succeeded" : "failed"),
                            "reason", nullable("string"))));
        }
        properties.put("late", F.objectNode().put("type", "boolean"));
        properties.put("created_at", string());
        properties.put("expires_at", string());
        properties.put("sent_at", string());
        properties.put("meta", F.objectNode().put("type", "object"));
        properties.put("payment_link", string());
        properties.put("payer", payer());
        List<String> required = new ArrayList<>(List.of("event", "type", "event_id", "session_id", "order_id", "status",
                "previous_status", "sequence", "amount", "currency", "paid_amount", "shop_domain", "email"));
        required.addAll(SessionView.REFERENCE_FIELDS);
        required.addAll(List.of("late", "created_at", "expires_at", "sent_at"));
        if (refund) {
            required.addAll(List.of("refund", "refunded_amount"));
        }
        return object(required, properties);
    }

    /** What the buyer gave on the hosted page (PayerView): present only when the session asked for something. */
    private static ObjectNode payer() {
        Map<String, ObjectNode> address = new LinkedHashMap<>();
        for (String field : List.of("line1", "line2", "city", "postal_code", "region", "country")) {
            address.put(field, nullable("string"));
        }
        ObjectNode addressSchema = object(List.of("line1", "city", "country"), address);
        addressSchema.putArray("type").add("object").add("null");
        ObjectNode custom = F.objectNode().put("type", "object");
        custom.set("additionalProperties", string());
        Map<String, ObjectNode> properties = new LinkedHashMap<>();
        properties.put("name", nullable("string"));
        properties.put("phone", nullable("string"));
        properties.put("billing_address", addressSchema);
        properties.put("shipping_address", addressSchema.deepCopy());
        properties.put("custom_fields", custom);
        return object(List.of("name", "phone", "billing_address", "shipping_address", "custom_fields"), properties);
    }

    private static ObjectNode object(List<String> required, Map<String, ObjectNode> properties) {
        ObjectNode schema = F.objectNode().put("type", "object");
        ObjectNode props = schema.putObject("properties");
        properties.forEach(props::set);
        ArrayNode names = schema.putArray("required");
        required.forEach(names::add);
        schema.put("additionalProperties", false);
        return schema;
    }

    private static ObjectNode string() {
        return F.objectNode().put("type", "string");
    }

    private static ObjectNode integer() {
        return F.objectNode().put("type", "integer");
    }

    private static ObjectNode nullable(String type) {
        ObjectNode schema = F.objectNode();
        schema.putArray("type").add(type).add("null");
        return schema;
    }

    private static ObjectNode constant(String value) {
        return F.objectNode().put("type", "string").put("const", value);
    }

    private static ObjectNode enumOf(String... values) {
        ObjectNode schema = F.objectNode().put("type", "string");
        ArrayNode options = schema.putArray("enum");
        for (String value : values) {
            options.add(value);
        }
        return schema;
    }
}
