package dev.kassa.gateway.checkout;

import dev.kassa.observability.Redaction;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.CustomField;
import dev.kassa.schemas.avro.DropdownOption;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.PostalAddress;
import dev.kassa.schemas.avro.SessionState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The buyer's answers to what a session asks (its {@code collect} and {@code custom_fields}): the fields the hosted
 * page shows inside its payment forms, and their check on the server before any attempt starts. Formats are the
 * world's, not one country's: a phone is digits with the separators people write (+, spaces, brackets, dots, slashes,
 * dashes), a postal code and a region are optional (many countries have neither), the country is ISO 3166-1.
 * What the buyer typed is kept on a refused form, and a session's last answers fill the form of its next attempt.
 */
final class PayerForm {

    static final int MAX_NAME = 200;
    static final int MAX_PHONE = 32;
    static final int MAX_LINE = 200;
    static final int MAX_CITY = 100;
    static final int MAX_POSTAL = 20;
    static final int MAX_REGION = 100;
    static final int MAX_ANSWER = 255;
    private static final String[] ADDRESS = {"line1", "line2", "city", "postal_code", "region", "country"};
    /** The country choice: ISO 3166-1 alpha-2 codes ({@code value}) by their English names ({@code label}), in name order. */
    private static final List<Map<String, String>> COUNTRIES = Arrays.stream(Locale.getISOCountries())
            .map(c -> Map.of("value", c, "label", new Locale("", c).getDisplayCountry(Locale.ENGLISH)))
            .sorted(Comparator.comparing(c -> c.get("label"))).toList();
    private static final Set<String> CODES = Set.of(Locale.getISOCountries());

    private PayerForm() {
    }

    /** The answers of one form post: the payer when every answer is good, else each field's message. */
    record Answers(Payer payer, Map<String, String> values, Map<String, String> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Whether this session asks the buyer anything. */
    static boolean asks(SessionState s) {
        Collect c = s.getCollect();
        return !s.getCustomFields().isEmpty() || c != null && (c.getName() || c.getPhone() || c.getBillingAddress() || c.getShippingAddress());
    }

    /** Reads and checks the form's answers; a session that asks nothing has a null payer and no errors. */
    static Answers read(SessionState s, Map<String, String> form) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        if (!asks(s)) {
            return new Answers(null, values, errors);
        }
        Collect c = s.getCollect() == null ? new Collect(false, false, false, false) : s.getCollect();
        String name = c.getName() ? answer(form, "payer_name", MAX_NAME, true, "your full name", values, errors) : null;
        String phone = c.getPhone() ? answer(form, "payer_phone", MAX_PHONE, true, "a phone number", values, errors) : null;
        if (phone != null && (!phone.matches("\\+?[0-9 ().\\/-]+") || phone.replaceAll("\\D", "").length() < 4)) {
            errors.put("payer_phone", "Enter a phone number: digits, and + ( ) . / - or spaces if you like.");
        }
        PostalAddress billing = c.getBillingAddress() ? address(form, "billing", values, errors) : null;
        PostalAddress shipping = c.getShippingAddress() ? address(form, "shipping", values, errors) : null;
        Map<String, String> custom = new TreeMap<>();
        for (CustomField field : s.getCustomFields()) {
            String input = "custom_" + field.getKey();
            String value = answer(form, input, MAX_ANSWER, !field.getOptional(), field.getLabel(), values, errors);
            if (value == null) {
                continue;
            }
            if (field.getType().equals("numeric") && !value.matches("[0-9]+")) {
                errors.put(input, "Enter digits only.");
            } else if (field.getType().equals("dropdown") && field.getOptions().stream().noneMatch(o -> o.getValue().equals(value))) {
                errors.put(input, "Choose one of the options.");
            }
            custom.put(field.getKey(), value);
        }
        return new Answers(errors.isEmpty() ? new Payer(name, phone, billing, shipping, custom) : null, values, errors);
    }

    private static PostalAddress address(Map<String, String> form, String prefix, Map<String, String> values, Map<String, String> errors) {
        String line1 = answer(form, prefix + "_line1", MAX_LINE, true, "the street and number", values, errors);
        String line2 = answer(form, prefix + "_line2", MAX_LINE, false, "", values, errors);
        String city = answer(form, prefix + "_city", MAX_CITY, true, "the town or city", values, errors);
        String postal = answer(form, prefix + "_postal_code", MAX_POSTAL, false, "", values, errors);
        String region = answer(form, prefix + "_region", MAX_REGION, false, "", values, errors);
        String country = answer(form, prefix + "_country", 2, true, "the country", values, errors);
        if (country != null && !CODES.contains(country.toUpperCase(Locale.ROOT))) {
            errors.put(prefix + "_country", "Choose the country from the list.");
        }
        return line1 == null || city == null || country == null ? null
                : new PostalAddress(line1, line2, city, postal, region, country.toUpperCase(Locale.ROOT));
    }

    /** One answer, stripped; its message in {@code errors} when required and empty, too long, or a card number. */
    private static String answer(Map<String, String> form, String input, int max, boolean required, String what,
                                 Map<String, String> values, Map<String, String> errors) {
        String raw = form.get(input);
        String value = raw == null ? null : raw.strip();
        if (value != null && value.length() > max) {
            errors.put(input, "At most " + max + " characters.");
            values.put(input, "");
            return null;
        }
        if (value != null && Redaction.containsCard(value)) {
            errors.put(input, "This field takes no card number.");
            values.put(input, "");
            return null;
        }
        values.put(input, value == null ? "" : value);
        if (value == null || value.isEmpty()) {
            if (required) {
                errors.put(input, "Enter " + what + ".");
            }
            return null;
        }
        return value;
    }

    /**
     * The fields the page shows, in order, each {@code {name, label, value, error, autocomplete, kind, required,
     * maxlength, options}}: filled from this post's answers, else from the session's last payer.
     */
    static List<Map<String, Object>> fields(SessionState s, Answers answers) {
        List<Map<String, Object>> fields = new ArrayList<>();
        if (!asks(s)) {
            return fields;
        }
        Map<String, String> values = answers != null ? answers.values() : previous(s.getPayer());
        Map<String, String> errors = answers != null ? answers.errors() : Map.of();
        Collect c = s.getCollect() == null ? new Collect(false, false, false, false) : s.getCollect();
        if (c.getName()) {
            fields.add(field("payer_name", "Full name", "name", "text", true, MAX_NAME, null, values, errors));
        }
        if (c.getPhone()) {
            fields.add(field("payer_phone", "Phone (with the country code, e.g. +31 20 123 4567)", "tel", "tel", true, MAX_PHONE, null,
                    values, errors));
        }
        for (String prefix : new String[] {c.getBillingAddress() ? "billing" : null, c.getShippingAddress() ? "shipping" : null}) {
            if (prefix == null) {
                continue;
            }
            String title = prefix.equals("billing") ? "Billing address: " : "Shipping address: ";
            fields.add(field(prefix + "_line1", title + "street and number", prefix + " address-line1", "text", true, MAX_LINE, null, values, errors));
            fields.add(field(prefix + "_line2", title + "apartment, suite (optional)", prefix + " address-line2", "text", false, MAX_LINE, null, values, errors));
            fields.add(field(prefix + "_city", title + "town or city", prefix + " address-level2", "text", true, MAX_CITY, null, values, errors));
            fields.add(field(prefix + "_postal_code", title + "postal code (if any)", prefix + " postal-code", "text", false, MAX_POSTAL, null, values, errors));
            fields.add(field(prefix + "_region", title + "state, province or region (if any)", prefix + " address-level1", "text", false, MAX_REGION, null, values, errors));
            fields.add(field(prefix + "_country", title + "country", prefix + " country", "select", true, 2, COUNTRIES, values, errors));
        }
        for (CustomField f : s.getCustomFields()) {
            List<Map<String, String>> options = f.getType().equals("dropdown") ? f.getOptions().stream()
                    .map((DropdownOption o) -> Map.of("value", o.getValue(), "label", o.getLabel())).toList() : null;
            fields.add(field("custom_" + f.getKey(), f.getLabel() + (f.getOptional() ? " (optional)" : ""), "off",
                    options != null ? "select" : f.getType().equals("numeric") ? "numeric" : "text", !f.getOptional(), MAX_ANSWER, options,
                    values, errors));
        }
        return fields;
    }

    private static Map<String, Object> field(String name, String label, String autocomplete, String kind, boolean required, int max,
                                             List<Map<String, String>> options, Map<String, String> values, Map<String, String> errors) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("label", label);
        f.put("value", values.getOrDefault(name, ""));
        f.put("error", errors.get(name));
        f.put("autocomplete", autocomplete);
        f.put("kind", kind);
        f.put("required", required);
        f.put("maxlength", max);
        f.put("options", options);
        return f;
    }

    /** The session's last answers as form values, so a retry after a decline starts from them. */
    private static Map<String, String> previous(Payer payer) {
        Map<String, String> values = new LinkedHashMap<>();
        if (payer == null) {
            return values;
        }
        putIf(values, "payer_name", payer.getName());
        putIf(values, "payer_phone", payer.getPhone());
        for (var entry : Map.of("billing", payer.getBillingAddress() == null ? new PostalAddress() : payer.getBillingAddress(),
                "shipping", payer.getShippingAddress() == null ? new PostalAddress() : payer.getShippingAddress()).entrySet()) {
            PostalAddress a = entry.getValue();
            Object[] parts = {a.getLine1(), a.getLine2(), a.getCity(), a.getPostalCode(), a.getRegion(), a.getCountry()};
            for (int i = 0; i < ADDRESS.length; i++) {
                putIf(values, entry.getKey() + "_" + ADDRESS[i], parts[i] == null ? null : parts[i].toString());
            }
        }
        payer.getCustomFields().forEach((k, v) -> values.put("custom_" + k, v));
        return values;
    }

    private static void putIf(Map<String, String> values, String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
    }
}
