package dev.kassa.gateway.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.links.LinkSpec;
import dev.kassa.gateway.shared.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The merchant API's link JSON as the typed command: a shape the JSON cannot mean is refused with the field's code. */
class LinkJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_link_is_read_as_sent() throws Exception {
        LinkSpec spec = LinkJson.spec(JSON.readTree("""
                {"amount": "25.00", "currency": "EUR", "description": "Invoice 117", "reusable": true, "max_uses": 5,
                 "expires_at": "2026-12-31 23:59:59"}"""));
        assertThat(spec).isEqualTo(new LinkSpec("25.00", "EUR", "Invoice 117", true, 5, "2026-12-31 23:59:59"));
        assertThat(LinkJson.spec(JSON.readTree("{\"amount\": \"1\", \"currency\": \"EUR\"}")))
                .as("absent: single use, no cap, never expires")
                .isEqualTo(new LinkSpec("1", "EUR", null, false, null, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"amount\": 25.00, \"currency\": \"EUR\"}                        | invalid_amount",
            "{\"amount\": \"25\", \"currency\": \"EUR\", \"description\": 7}     | invalid_description",
            "{\"amount\": \"25\", \"currency\": \"EUR\", \"reusable\": \"yes\"}  | invalid_reusable",
            "{\"amount\": \"25\", \"currency\": \"EUR\", \"max_uses\": 2.5}      | invalid_max_uses",
            "{\"amount\": \"25\", \"currency\": \"EUR\", \"max_uses\": 1e12}     | invalid_max_uses",
            "{\"amount\": \"25\", \"currency\": \"EUR\", \"expires_at\": 1767225599} | invalid_expires_at"})
    void a_shape_the_json_cannot_mean_has_its_code(String body, String code) {
        assertThatThrownBy(() -> LinkJson.spec(JSON.readTree(body)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
