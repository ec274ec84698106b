package dev.kassa.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedactionTest {

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444",
            "378282246310005", "4000002500003155"})
    void card_numbers_keep_only_their_last_four(String card) {
        String scrubbed = Redaction.scrub("{\"card\":\"" + card + "\",\"amount\":\"10.00\"}");
        assertThat(scrubbed).doesNotContain(card).doesNotContain(card.replaceAll("[ -]", ""))
                .contains("[card ••••" + card.replaceAll("[ -]", "").substring(card.replaceAll("[ -]", "").length() - 4) + "]")
                .contains("\"amount\":\"10.00\"");
    }

    @Test
    void long_numbers_that_are_not_card_numbers_stay() {
        // A session id and a timestamp that fail the Luhn check stay readable (one in ten passes it and is redacted in
        // a message; the structured session_id field always keeps it, see the layout test).
        assertThat(Redaction.scrub("session 8417795892759313 at 1764000000001")).isEqualTo("session 8417795892759313 at 1764000000001");
        assertThat(Redaction.scrub("session 8417795892759312")).isEqualTo("session [card ••••9312]");
    }

    @Test
    void secrets_tokens_and_signatures_are_redacted() {
        String line = "key kassa_Zm9vYmFyYmF6cXV4MTIzNDU2 admin kassa_admin_abcdefgh12345678 secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0 "
                + "Authorization: Bearer sk_live_abc.def X-Provider-Signature: t=1,v1=0123456789abcdef0123456789abcdef";
        assertThat(Redaction.scrub(line)).isEqualTo("key kassa_[redacted] admin kassa_admin_[redacted] secret whsec_[redacted] "
                + "Authorization: Bearer [redacted] X-Provider-Signature: t=1,v1=[redacted]");
    }

    @Test
    void a_log_line_is_one_json_object_with_the_context_and_nothing_secret() throws Exception {
        LoggerContext context = new LoggerContext();
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LoggingEvent event = new LoggingEvent("fqcn", context.getLogger("kassa.test"), Level.WARN,
                "refused card {} for {}", new IllegalStateException("secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0 leaked"),
                new Object[] {"4111 1111 1111 1111", "kassa_Zm9vYmFyYmF6cXV4MTIzNDU2"});
        event.setMDCPropertyMap(Map.of("session_id", "8417795892759312", "merchant_id", "7", "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
        String line = layout.doLayout(event);
        assertThat(line).endsWith("\n").doesNotContain("4111 1111 1111 1111").doesNotContain("c2VjcmV0c2VjcmV0").doesNotContain("Zm9vYmFy");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("msg").asText()).isEqualTo("refused card [card ••••1111] for kassa_[redacted]");
        assertThat(json.get("session_id").asText()).as("a Luhn-valid id in an id field stays").isEqualTo("8417795892759312");
        assertThat(json.get("merchant_id").asText()).isEqualTo("7");
        assertThat(json.get("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.get("error").asText()).isEqualTo("java.lang.IllegalStateException: secret whsec_[redacted] leaked");
        assertThat(json.get("stack").asText()).contains("RedactionTest");
    }
}
