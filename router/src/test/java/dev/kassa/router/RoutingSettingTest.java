package dev.kassa.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingSettingTest {

    private static final Instant AT = Instant.parse("2026-12-08T10:00:00Z");

    @Test
    void an_operators_setting_carries_its_topic_version_into_every_decision() {
        RoutingSetting setting = RoutingSetting.of(7, " off=wert; card=revolut,transak ", List.of(" MoonPay", ""), "operator", AT, "wert is down");

        assertThat(setting.rules().version()).isEqualTo("v7");
        assertThat(setting.rules().disabled()).containsExactly("wert");
        assertThat(setting.rules().preferred()).containsEntry(Method.CARD, List.of("revolut", "transak"));
        assertThat(setting.unhealthy()).containsExactly("moonpay");
        assertThat(setting.rulesText()).isEqualTo("off=wert; card=revolut,transak");
    }

    @Test
    void start_up_flags_keep_their_config_digest() {
        assertThat(RoutingSetting.of(0, "off=wert", List.of(), "flags", AT, null).rules().version()).startsWith("config:");
        assertThat(RoutingSetting.of(0, "", List.of(), "flags", AT, null).rules()).isEqualTo(OperatorRules.NONE);
    }

    @Test
    void what_is_wrong_is_named() {
        assertThatThrownBy(() -> RoutingSetting.of(1, "card=nope", List.of(), "operator", AT, null))
                .hasMessageContaining("'nope', which is not a provider");
        assertThatThrownBy(() -> RoutingSetting.of(1, "", List.of("wert", "acme"), "operator", AT, null))
                .hasMessageContaining("'acme' is not a provider");
        assertThatThrownBy(() -> RoutingSetting.of(1, "", List.of(), "operator", AT, "x".repeat(501)))
                .hasMessageContaining("at most 500");
    }
}
