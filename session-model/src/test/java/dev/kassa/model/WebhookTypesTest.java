package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.SessionCancelled;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which type each event announces, what a refund's webhook says, and the catalogue filters accept. */
class WebhookTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @ParameterizedTest(name = "{0} {1} -> {2}: {3}")
    @CsvSource(nullValues = "none", value = {
            "pending, created, pending, checkout.session.pending",
            "pending, pending, pending, none",            // a second attempt: the merchant already knows it is pending
            "paid, pending, paid, checkout.session.paid",
            "cancelled, created, cancelled, checkout.session.cancelled",
            "review, cancelled, review, checkout.session.review",
            "refund-reserved, paid, paid, none",          // the refund's internal step
            "refund-recorded, paid, paid, refund.succeeded",
            "refund-recorded, paid, refunded, refund.succeeded",
            "refund-refused, paid, paid, refund.failed",
    })
    void each_event_announces_one_type_or_nothing(String kind, String from, String to, String type) {
        assertThat(WebhookTypes.of(event(kind, status(from), status(to)))).isEqualTo(type);
    }

    @Test
    void a_first_event_is_created() {
        SessionEvent created = SessionFoldTest.created(5);
        assertThat(WebhookTypes.of(created)).isEqualTo("checkout.session.created");
    }

    @Test
    void a_partial_refund_says_refund_succeeded_with_the_refund_and_the_totals_and_never_paid_again() throws Exception {
        List<SessionEvent> log = new ArrayList<>(List.of(SessionFoldTest.created(5), event("pending", SessionStatus.CREATED, SessionStatus.PENDING)));
        log.add(event("paid", SessionStatus.PENDING, SessionStatus.PAID));
        log.add(event("refund-reserved", SessionStatus.PAID, SessionStatus.PAID));
        log.add(event("refund-recorded", SessionStatus.PAID, SessionStatus.PAID));
        List<SessionEvent> sequenced = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            sequenced.add(SessionEvent.newBuilder(log.get(i)).setSessionId(5).setSequence(i + 1).setEventId("evt_5_" + (i + 1)).build());
        }
        SessionState after = SessionFold.replay(sequenced);
        JsonNode body = JSON.readTree(WebhookPayload.body(sequenced.get(4), after));
        assertThat(body.get("event").asText()).isEqualTo("payment.session"); // seed 003's field, unchanged
        assertThat(body.get("type").asText()).isEqualTo("refund.succeeded");
        assertThat(body.get("status").asText()).isEqualTo("paid");
        assertThat(body.get("refunded_amount").asText()).isEqualTo("4.00");
        assertThat(body.get("refund")).isNotNull();
        assertThat(JSON.convertValue(body.get("refund"), Map.class)).containsEntry("refund_id", "rf_1").containsEntry("amount", "4.00")
                .containsEntry("currency", "USD").containsEntry("status", "succeeded");
        assertThatThrownBy(() -> WebhookPayload.body(sequenced.get(3), after)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("announces nothing");
    }

    @ParameterizedTest(name = "{0} accepts {2} ({1}): {3}")
    @CsvSource({
            "*, paid, refund.succeeded, true",
            "paid, paid, checkout.session.paid, true",
            "paid, paid, refund.succeeded, false",          // a seed receiver that ships on paid never sees a refund
            "refunded, refunded, refund.succeeded, true",     // the full refund is the move to refunded
            "checkout.session.refunded, refunded, refund.succeeded, true",
            "checkout.session.refunded, paid, refund.succeeded, false",
            "refund.*, paid, refund.failed, true",
            "refund.*, paid, checkout.session.paid, false",
            "checkout.session.*, review, checkout.session.review, true",
            "refund.succeeded, paid, refund.failed, false",
    })
    void filters_take_types_families_and_statuses(String filter, String status, String type, boolean accepted) {
        dev.kassa.schemas.WebhookEndpoints.Endpoint endpoint = new dev.kassa.schemas.WebhookEndpoints.Endpoint(1, "https://x.example", "s",
                null, null, List.of(filter), null, null, null, T0, T0, true);
        assertThat(endpoint.accepts(status, type)).isEqualTo(accepted);
    }

    @ParameterizedTest
    @CsvSource({"*, true", "paid, true", "refund.*, true", "checkout.session.*, true", "refund.succeeded, true", "ping, true",
            "checkout.session.paid, true", "refund, false", "charge.*, false", "checkout.session.shipped, false", "PAID, false"})
    void the_catalogue_says_what_a_filter_may_name(String entry, boolean valid) {
        assertThat(WebhookTypes.isFilter(entry)).isEqualTo(valid);
    }

    private static SessionStatus status(String name) {
        return SessionStatus.valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    private static SessionEvent event(String kind, SessionStatus from, SessionStatus to) {
        Object payload = switch (kind) {
            case "pending" -> new PaymentPending("a1", "card", "sandbox", null, null, null);
            case "paid" -> PaymentSucceeded.newBuilder().setProvider("sandbox").setAmountMinor(1999).setCurrency("USD").setAttemptId("a1").build();
            case "cancelled" -> new SessionCancelled("merchant");
            case "review" -> ReviewOpened.newBuilder().setReason("paid_after_cancel").build();
            case "refund-reserved" -> refund(RefundPhase.RESERVED, to);
            case "refund-recorded" -> refund(RefundPhase.RECORDED, to);
            case "refund-refused" -> refund(RefundPhase.REFUSED, to);
            default -> throw new IllegalArgumentException(kind);
        };
        return SessionEvent.newBuilder().setEventId("evt_" + kind).setSessionId(5).setMerchantId(1).setSequence(2).setOccurredAt(T0)
                .setStatus(to).setPreviousStatus(from).setCause(new EventCause("c", "T", "t", "d")).setPayload(payload).build();
    }

    private static RefundRecorded refund(RefundPhase phase, SessionStatus to) {
        boolean full = to == SessionStatus.REFUNDED;
        return RefundRecorded.newBuilder().setRefundId("rf_1").setAmountMinor(full ? 1999 : 400)
                .setTotalRefundedMinor(phase == RefundPhase.RECORDED ? (full ? 1999 : 400) : 0).setFull(full).setPhase(phase).build();
    }
}
