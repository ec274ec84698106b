package dev.kassa.gateway.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.observability.KassaMetrics;
import dev.kassa.router.Catalogue;
import dev.kassa.schemas.avro.SessionStatus;
import org.junit.jupiter.api.Test;

/** The gateway's meters: present at zero from the start; labels from fixed sets only, whatever a caller sends. */
class GatewayMetricsTest {

    @Test
    void sessions_by_status_are_read_from_the_views_and_callbacks_count_only_known_labels() {
        GatewayMetrics.register();
        String provider = Catalogue.DEFAULT.get(0).slug();
        assertThat(callbacks(provider, "applied")).as("registered at start").isNotNegative();
        java.util.Map<SessionStatus, Long> counts = new java.util.EnumMap<>(SessionStatus.class);
        GatewayMetrics.countSessionsWith(() -> counts);
        assertThat(sessions("paid")).as("a status no view holds").isZero();
        counts.put(SessionStatus.PAID, 3L);
        assertThat(sessions("paid")).as("read at each scrape").isEqualTo(3);
        assertThat(sessions("created")).isZero();
        GatewayMetrics.countSessionsWith(java.util.Map::of);

        double applied = callbacks(provider, "applied");
        GatewayMetrics.callback(provider, "applied");
        assertThat(callbacks(provider, "applied")).isEqualTo(applied + 1);
        double other = callbacks("other", "invalid_callback");
        GatewayMetrics.callback("evil-$(whoami)", "made-up outcome");
        assertThat(callbacks("other", "invalid_callback")).as("a caller's words never become labels").isEqualTo(other + 1);
        assertThat(KassaMetrics.registry().find("kassa.provider.callbacks").tag("provider", "evil-$(whoami)").counter()).isNull();
    }

    private static double sessions(String status) {
        return KassaMetrics.registry().get("kassa.sessions").tag("status", status).gauge().value();
    }

    private static double callbacks(String provider, String outcome) {
        return KassaMetrics.registry().get("kassa.provider.callbacks").tag("provider", provider).tag("outcome", outcome).counter().count();
    }
}
