package dev.kassa.model;

import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.PostalAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A session's {@code payer} as the status answer, the webhook body and the dashboard show it: {@code name},
 * {@code phone}, {@code billing_address} and {@code shipping_address} ({@code line1, line2, city, postal_code, region,
 * country}) and {@code custom_fields} (answers by key); a field the session did not ask for is null. Every value is
 * personal: it goes to the merchant, never to a log.
 */
public final class PayerView {

    private PayerView() {
    }

    /** The payer as JSON-ready maps, or null when the buyer gave nothing. */
    public static Map<String, Object> of(Payer payer) {
        if (payer == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", payer.getName());
        view.put("phone", payer.getPhone());
        view.put("billing_address", address(payer.getBillingAddress()));
        view.put("shipping_address", address(payer.getShippingAddress()));
        view.put("custom_fields", new TreeMap<>(payer.getCustomFields()));
        return view;
    }

    private static Map<String, Object> address(PostalAddress a) {
        if (a == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("line1", a.getLine1());
        view.put("line2", a.getLine2());
        view.put("city", a.getCity());
        view.put("postal_code", a.getPostalCode());
        view.put("region", a.getRegion());
        view.put("country", a.getCountry());
        return view;
    }
}
