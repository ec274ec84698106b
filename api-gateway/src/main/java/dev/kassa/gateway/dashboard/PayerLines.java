package dev.kassa.gateway.dashboard;

import dev.kassa.schemas.avro.CustomField;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.PostalAddress;
import dev.kassa.schemas.avro.SessionState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the buyer gave (the session's {@code payer}) as the dashboard shows it: labelled lines on the session's page and
 * five cells of the CSV. An address is one line, in the order a person reads it; a custom field is named by its label.
 */
final class PayerLines {

    /** The CSV's columns for the payer, after the session's own. */
    static final String CSV_COLUMNS = "payer_name,payer_phone,billing_address,shipping_address,custom_fields";

    private PayerLines() {
    }

    /** {@code [{label, value}]} for the session's page; empty when the buyer gave nothing. */
    static List<Map<String, String>> of(SessionState s) {
        List<Map<String, String>> lines = new ArrayList<>();
        Payer p = s.getPayer();
        if (p == null) {
            return lines;
        }
        add(lines, "Name", p.getName());
        add(lines, "Phone", p.getPhone());
        add(lines, "Billing address", address(p.getBillingAddress()));
        add(lines, "Shipping address", address(p.getShippingAddress()));
        for (CustomField field : s.getCustomFields()) {
            add(lines, field.getLabel(), p.getCustomFields().get(field.getKey()));
        }
        return lines;
    }

    /** The five CSV values (unquoted; the caller quotes each), empty where the buyer gave nothing. */
    static List<String> csv(SessionState s) {
        Payer p = s.getPayer();
        if (p == null) {
            return List.of("", "", "", "", "");
        }
        String custom = p.getCustomFields().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("; "));
        return List.of(orEmpty(p.getName()), orEmpty(p.getPhone()), orEmpty(address(p.getBillingAddress())),
                orEmpty(address(p.getShippingAddress())), custom);
    }

    static String address(PostalAddress a) {
        if (a == null) {
            return null;
        }
        String town = Stream.of(a.getPostalCode(), a.getCity()).filter(Objects::nonNull).collect(Collectors.joining(" "));
        return Stream.of(a.getLine1(), a.getLine2(), town, a.getRegion(), a.getCountry()).filter(Objects::nonNull)
                .filter(v -> !v.isBlank()).collect(Collectors.joining(", "));
    }

    private static void add(List<Map<String, String>> lines, String label, String value) {
        if (value != null && !value.isBlank()) {
            Map<String, String> line = new LinkedHashMap<>();
            line.put("label", label);
            line.put("value", value);
            lines.add(line);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
