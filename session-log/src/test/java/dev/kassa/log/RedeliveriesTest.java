package dev.kassa.log;

import dev.kassa.model.WebhookPayload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.model.SessionFold;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedeliveriesTest {

    private static final Instant T0 = Instant.parse("2026-02-25T12:00:00Z");

    private final List<SessionEvent> log = List.of(created(1, T0), pending(1, T0.plusSeconds(60)),
            created(2, T0.plusSeconds(120)), pending(2, T0.plusSeconds(3600)));

    @Test
    void one_event_is_rebuilt_with_the_body_it_was_first_sent_with() {
        List<RedeliveryRequest> requests = Redeliveries.select(log, new Redeliveries.Selection(null, "evt_1_2", null, null), "operator:ops", T0);
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.getEventId()).isEqualTo("evt_1_2");
            assertThat(r.getSequence()).isEqualTo(2);
            assertThat(bytes(r.getBody())).isEqualTo(WebhookPayload.body(log.get(1), SessionFold.replay(log.subList(0, 2))));
        });
    }

    @Test
    void a_session_or_a_time_range_selects_every_event_in_it() {
        assertThat(Redeliveries.select(log, new Redeliveries.Selection(2L, null, null, null), "ops", T0))
                .extracting(RedeliveryRequest::getEventId).containsExactly("evt_2_1", "evt_2_2");
        assertThat(Redeliveries.select(log, new Redeliveries.Selection(null, null, T0.plusSeconds(30), T0.plusSeconds(600)), "ops", T0))
                .extracting(RedeliveryRequest::getEventId).containsExactly("evt_1_2", "evt_2_1");
    }

    @Test
    void a_time_range_narrowed_to_one_merchant_and_one_status_sends_only_those() {
        List<SessionEvent> two = List.of(created(1, T0), pending(1, T0.plusSeconds(60)),
                SessionEvent.newBuilder(created(3, T0.plusSeconds(70))).setMerchantId(9).build(),
                SessionEvent.newBuilder(pending(3, T0.plusSeconds(80))).setMerchantId(9).build());
        Redeliveries.Selection hour = new Redeliveries.Selection(null, null, T0, T0.plusSeconds(3600), null, 9L, SessionStatus.PENDING);
        assertThat(Redeliveries.select(two, hour, "ops", T0)).extracting(RedeliveryRequest::getEventId).containsExactly("evt_3_2");
        Redeliveries.Selection merchantOnly = new Redeliveries.Selection(null, null, T0, T0.plusSeconds(3600), null, 1L, null);
        assertThat(Redeliveries.select(two, merchantOnly, "ops", T0)).extracting(RedeliveryRequest::getEventId)
                .containsExactly("evt_1_1", "evt_1_2");
    }

    @Test
    void a_redelivered_event_carries_its_type_and_one_that_announced_nothing_is_not_sent_again() throws Exception {
        SessionEvent again = SessionEvent.newBuilder(pending(1, T0.plusSeconds(90))).setEventId("evt_1_3").setSequence(3)
                .setPreviousStatus(SessionStatus.PENDING).setCause(new EventCause("c3", "T", "t", "d")).build(); // a second attempt
        List<SessionEvent> withRepeat = List.of(log.get(0), log.get(1), again);
        List<RedeliveryRequest> requests = Redeliveries.select(withRepeat, new Redeliveries.Selection(1L, null, null, null), "ops", T0);
        assertThat(requests).extracting(RedeliveryRequest::getEventId).containsExactly("evt_1_1", "evt_1_2");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes(requests.get(1).getBody())).get("type").asText())
                .isEqualTo("checkout.session.pending");
    }

    @Test
    void a_selection_must_name_something() {
        assertThatThrownBy(() -> new Redeliveries.Selection(null, null, T0, null)).hasMessageContaining("name a session, an event, or a time range");
        assertThatThrownBy(() -> new Redeliveries.Selection(null, null, T0, T0)).hasMessage("--from must be before --to");
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    private static SessionEvent created(long session, Instant at) {
        return SessionEvent.newBuilder().setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(1).setSequence(1)
                .setOccurredAt(at).setStatus(SessionStatus.CREATED).setPreviousStatus(null).setCause(new EventCause("c", "T", "t", "d"))
                .setPayload(SessionCreated.newBuilder().setOrderId("O-" + session).setAmountMinor(1999).setCurrency("USD")
                        .setShopDomain("shop.example").setExpiresAt(at.plusSeconds(900)).setGraceSeconds(1800).build()).build();
    }

    private static SessionEvent pending(long session, Instant at) {
        return SessionEvent.newBuilder().setEventId("evt_" + session + "_2").setSessionId(session).setMerchantId(1).setSequence(2)
                .setOccurredAt(at).setStatus(SessionStatus.PENDING).setPreviousStatus(SessionStatus.CREATED)
                .setCause(new EventCause("c2", "T", "t", "d")).setPayload(new PaymentPending("a", "card", "p", null, null, null)).build();
    }
}
