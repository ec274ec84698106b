package dev.kassa.gateway.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.observability.Redaction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Session ids are exact in JavaScript and never mistaken for a card number by the log scrubber. */
class SecretsTest {

    @Property(tries = 2_000)
    void a_drawn_session_id_is_below_2_to_the_53_and_survives_the_log_scrubber() {
        long id = Secrets.id();
        assertThat(id).isPositive().isLessThan(1L << 53);
        assertThat(Redaction.scrub("session " + id)).isEqualTo("session " + id);
    }

    @Property(tries = 2_000)
    void an_idempotency_keys_session_id_is_stable_exact_and_survives_the_log_scrubber(@ForAll long merchant, @ForAll String key) {
        long id = Secrets.idFor(merchant, key);
        assertThat(Secrets.idFor(merchant, key)).isEqualTo(id);
        assertThat(id).isPositive().isLessThan(1L << 53);
        assertThat(Redaction.scrub("session " + id)).isEqualTo("session " + id);
    }
}
