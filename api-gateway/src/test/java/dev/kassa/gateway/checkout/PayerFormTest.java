package dev.kassa.gateway.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.CustomField;
import dev.kassa.schemas.avro.DropdownOption;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The buyer's answers checked as the hosted page checks them, without a server: formats of the world, not one country's. */
class PayerFormTest {

    private static final SessionState ASKS = SessionState.newBuilder().setSessionId(1).setMerchantId(2).setOrderId("o")
            .setStatus(SessionStatus.CREATED).setAmountMinor(100).setCurrency("EUR").setShopDomain("shop.example")
            .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).setExpiresAt(Instant.EPOCH.plusSeconds(900)).setGraceSeconds(0)
            .setSequence(1).setCollect(new Collect(true, true, true, false))
            .setCustomFields(List.of(new CustomField("size", "Size", "dropdown", List.of(new DropdownOption("Small", "s")), false),
                    new CustomField("floor", "Floor", "numeric", List.of(), true)))
            .build();

    private static Map<String, String> good() {
        return new HashMap<>(Map.of("payer_name", "Zoë O'Brien", "payer_phone", "+81 3-1234-5678",
                "billing_line1", "1-2-3 Shibuya", "billing_city", "Tokyo", "billing_country", "jp", "custom_size", "s"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "OK", textBlock = """
            +81 3-1234-5678                  | OK
            (020) 7946 0958                  | OK
            +1.415.555.2671                  | OK
            0049/30/1234567                  | OK
            +234 (0)803 555 0199             | OK
            call me                          | Enter a phone number: digits, and + ( ) . / - or spaces if you like.
            12                               | Enter a phone number: digits, and + ( ) . / - or spaces if you like.
            +1 555 555 555 555 555 555 555 555 | At most 32 characters.
            """)
    void phones_are_written_as_the_world_writes_them(String phone, String error) {
        Map<String, String> form = good();
        form.put("payer_phone", phone);
        assertThat(PayerForm.read(ASKS, form).errors().get("payer_phone")).isEqualTo(error);
    }

    @Test
    void an_address_needs_no_postal_code_or_region_and_its_country_is_iso() {
        PayerForm.Answers answers = PayerForm.read(ASKS, good());
        assertThat(answers.ok()).as("%s", answers.errors()).isTrue();
        assertThat(answers.payer().getBillingAddress().getCountry()).isEqualTo("JP");
        assertThat(answers.payer().getBillingAddress().getPostalCode()).isNull();
        assertThat(answers.payer().getCustomFields()).containsExactly(Map.entry("size", "s"));
        Map<String, String> form = good();
        form.put("billing_country", "XX");
        form.put("custom_floor", "3rd");
        form.put("custom_size", "xxl");
        form.put("billing_line1", "4242 4242 4242 4242");
        form.remove("payer_name");
        assertThat(PayerForm.read(ASKS, form).errors()).containsOnlyKeys("billing_country", "custom_floor", "custom_size", "billing_line1",
                "payer_name");
        assertThat(PayerForm.read(ASKS, form).values()).as("a card number is never written back").containsEntry("billing_line1", "");
    }

    @Test
    void a_session_that_asks_nothing_has_no_fields_and_no_payer() {
        SessionState plain = SessionState.newBuilder(ASKS).setCollect(null).setCustomFields(List.of()).build();
        assertThat(PayerForm.asks(plain)).isFalse();
        assertThat(PayerForm.fields(plain, null)).isEmpty();
        assertThat(PayerForm.read(plain, good()).payer()).isNull();
        assertThat(PayerForm.fields(ASKS, null)).extracting(f -> f.get("name")).containsExactly("payer_name", "payer_phone", "billing_line1",
                "billing_line2", "billing_city", "billing_postal_code", "billing_region", "billing_country", "custom_size", "custom_floor");
    }
}
