package dev.kassa.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.PostalAddress;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bodies built by {@link WebhookPayload} validate against the published schema of their type, and only of their type. */
class WebhookSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void every_body_of_a_paid_partly_then_fully_refunded_session_validates_against_its_type() throws Exception {
        List<SessionEvent> log = new ArrayList<>();
        log.add(SessionFoldTest.created(9));
        log.add(next(log, SessionStatus.PENDING, new PaymentPending("a1", "card", "sandbox", "pp_1", null, null)));
        log.add(next(log, SessionStatus.PAID, PaymentSucceeded.newBuilder().setProvider("sandbox").setProviderPaymentId("pp_1")
                .setAmountMinor(1999).setCurrency("USD").setAttemptId("a1").build()));
        log.add(next(log, SessionStatus.PAID, refund("rf_1", 500, 0, false, RefundPhase.RESERVED)));
        log.add(next(log, SessionStatus.PAID, refund("rf_1", 500, 500, false, RefundPhase.RECORDED)));
        log.add(next(log, SessionStatus.PAID, refund("rf_2", 1499, 500, true, RefundPhase.RESERVED)));
        log.add(next(log, SessionStatus.PAID, refund("rf_2", 1499, 500, true, RefundPhase.REFUSED)));
        log.add(next(log, SessionStatus.PAID, refund("rf_3", 1499, 500, true, RefundPhase.RESERVED)));
        log.add(next(log, SessionStatus.REFUNDED, refund("rf_3", 1499, 1999, true, RefundPhase.RECORDED)));
        Set<String> seen = new HashSet<>();
        List<String> types = new ArrayList<>();
        for (int i = 1; i <= log.size(); i++) {
            SessionEvent event = log.get(i - 1);
            String type = WebhookTypes.of(event);
            if (type == null) {
                continue;
            }
            JsonNode body = JSON.readTree(WebhookPayload.body(event, SessionFold.replay(log.subList(0, i))));
            assertThat(violations(type, body)).as("%s: %s", type, body).isEmpty();
            for (String other : WebhookTypes.CATALOGUE) {
                if (!other.equals(type)) {
                    assertThat(violations(other, body)).as("a %s body is no %s", type, other).isNotEmpty();
                }
            }
            types.add(type);
            seen.add(type);
        }
        assertThat(types).containsExactly("checkout.session.created", "checkout.session.pending", "checkout.session.paid",
                "refund.succeeded", "refund.failed", "refund.succeeded");
    }

    @Test
    void the_payer_the_buyer_gave_is_in_every_body_after_its_attempt_and_validates() throws Exception {
        Payer payer = new Payer("Aiko Tanaka", "+81 3-1234-5678",
                new PostalAddress("1-2-3 Shibuya", null, "Tokyo", "150-0002", null, "JP"), null, Map.of("vat", "T1234567890123"));
        List<SessionEvent> log = new ArrayList<>();
        log.add(SessionFoldTest.created(9));
        log.add(next(log, SessionStatus.PENDING, new PaymentPending("a1", "card", "sandbox", "pp_1", null, payer)));
        log.add(next(log, SessionStatus.PAID, PaymentSucceeded.newBuilder().setProvider("sandbox").setProviderPaymentId("pp_1")
                .setAmountMinor(1999).setCurrency("USD").setAttemptId("a1").build()));
        JsonNode created = JSON.readTree(WebhookPayload.body(log.get(0), SessionFold.replay(log.subList(0, 1))));
        assertThat(created.has("payer")).as("nothing given yet: no payer").isFalse();
        JsonNode body = JSON.readTree(WebhookPayload.body(log.get(2), SessionFold.replay(log)));
        assertThat(violations("checkout.session.paid", body)).as("%s", body).isEmpty();
        assertThat(body.at("/payer/name").asText()).isEqualTo("Aiko Tanaka");
        assertThat(body.at("/payer/billing_address/postal_code").asText()).isEqualTo("150-0002");
        assertThat(body.at("/payer/shipping_address").isNull()).isTrue();
        assertThat(body.at("/payer/custom_fields/vat").asText()).isEqualTo("T1234567890123");
        ObjectNode odd = body.deepCopy();
        ((ObjectNode) odd.get("payer")).put("passport", "X");
        assertThat(violations("checkout.session.paid", odd)).as("the payer's shape is closed too").isNotEmpty();
    }

    @Test
    void the_check_itself_refuses_an_undocumented_field_and_a_missing_one() throws Exception {
        List<SessionEvent> log = List.of(SessionFoldTest.created(9));
        ObjectNode body = (ObjectNode) JSON.readTree(WebhookPayload.body(log.get(0), SessionFold.replay(log)));
        assertThat(violations("checkout.session.created", body)).isEmpty();
        assertThat(violations("checkout.session.created", body.deepCopy().put("surprise", 1))).isNotEmpty();
        ObjectNode missing = body.deepCopy();
        missing.remove("sequence");
        assertThat(violations("checkout.session.created", missing)).isNotEmpty();
    }

    @Test
    void the_ping_and_the_disabled_notice_have_schemas_too() {
        ObjectNode ping = JSON.createObjectNode().put("type", "ping").put("event_id", "evt_ping_1").put("merchant_id", 1)
                .put("endpoint_id", "we_1").put("sent_at", T0.toString());
        assertThat(violations("ping", ping)).isEmpty();
        assertThat(violations("webhook_endpoint.disabled", ping)).isNotEmpty();
        assertThat(WebhookSchemas.describe("checkout.session.refunded")).contains("refund.succeeded");
    }

    static Set<?> violations(String type, JsonNode body) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(WebhookSchemas.of(type)).validate(body);
    }

    private static SessionEvent next(List<SessionEvent> log, SessionStatus status, Object payload) {
        SessionEvent last = log.get(log.size() - 1);
        long sequence = last.getSequence() + 1;
        return SessionEvent.newBuilder().setEventId("evt_9_" + sequence).setSessionId(9).setMerchantId(1).setSequence(sequence)
                .setOccurredAt(T0.plusSeconds(sequence)).setStatus(status).setPreviousStatus(last.getStatus())
                .setCause(new EventCause("c" + sequence, "T", "t", "d")).setPayload(payload).build();
    }

    private static RefundRecorded refund(String id, long amount, long total, boolean full, RefundPhase phase) {
        return RefundRecorded.newBuilder().setRefundId(id).setAmountMinor(amount).setTotalRefundedMinor(total).setFull(full)
                .setPhase(phase).setReason("customer asked").build();
    }
}
