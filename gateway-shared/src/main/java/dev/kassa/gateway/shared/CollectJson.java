package dev.kassa.gateway.shared;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Collect;
import java.util.List;

/**
 * What a checkout asks the buyer, as JSON writes it: an object of booleans {@code name}, {@code phone},
 * {@code billing_address}, {@code shipping_address} (absent: false). The create's {@code collect} and the merchant's
 * {@code collect_defaults} are read here, each refused with its own code.
 */
public final class CollectJson {

    private static final List<String> FIELDS = List.of("name", "phone", "billing_address", "shipping_address");

    private CollectJson() {
    }

    /** The object's answer; null for a JSON null or an object that asks nothing; refused with {@code invalid} otherwise. */
    public static Collect of(JsonNode value, ErrorCode invalid) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject() || value.size() > FIELDS.size()) {
            throw refused(invalid);
        }
        var fields = value.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!FIELDS.contains(field) || !value.get(field).isBoolean()) {
                throw refused(invalid);
            }
        }
        Collect collect = new Collect(value.path("name").asBoolean(false), value.path("phone").asBoolean(false),
                value.path("billing_address").asBoolean(false), value.path("shipping_address").asBoolean(false));
        return collect.getName() || collect.getPhone() || collect.getBillingAddress() || collect.getShippingAddress() ? collect : null;
    }

    private static ApiError refused(ErrorCode invalid) {
        return new ApiError(invalid, "'" + invalid.field() + "' is an object of booleans: name, phone, billing_address, shipping_address");
    }
}
