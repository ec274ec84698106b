package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void the_table_in_the_error_codes_document_is_the_catalogue() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "ERRORS.md"));
        String begin = "<!-- error-codes:begin (generated from ErrorCode.markdownTable(); ErrorCodeTest fails when they differ) -->\n";
        String end = "<!-- error-codes:end -->";
        assertThat(doc).contains(begin).contains(end);
        String table = doc.substring(doc.indexOf(begin) + begin.length(), doc.indexOf(end));
        assertThat(table).as("docs/ERRORS.md's error table; paste ErrorCode.markdownTable() there").isEqualTo(ErrorCode.markdownTable());
    }

    @Test
    void an_invalid_field_code_names_its_field() {
        assertThat(ErrorCode.INVALID_SESSION_TTL_SECONDS.field()).isEqualTo("session_ttl_seconds");
        assertThat(ErrorCode.INVALID_RETURN_URL.field()).isEqualTo("return_url");
        assertThat(ErrorCode.NOT_FOUND.field()).isNull();
    }

    @Test
    void the_seeds_codes_keep_the_seeds_statuses() {
        assertThat(ErrorCode.of("missing_api_key").httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.of("invalid_api_key").httpStatus()).isEqualTo(401);
        assertThat(ErrorCode.of("merchant_disabled").httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.of("domain_not_allowed").httpStatus()).isEqualTo(403);
        assertThat(ErrorCode.of("rate_limited").httpStatus()).isEqualTo(429);
        for (String code : new String[] {"invalid_json", "invalid_domain", "invalid_amount", "invalid_currency", "invalid_email", "missing_field"}) {
            assertThat(ErrorCode.of(code).httpStatus()).as(code).isEqualTo(400);
        }
    }

    @Test
    void a_code_outside_the_catalogue_is_refused_by_name() {
        assertThatThrownBy(() -> ErrorCode.of("made_up")).hasMessageContaining("'made_up' is not in the catalogue");
    }
}
