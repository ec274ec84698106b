package dev.kassa.aggregate.domain;

import static dev.kassa.aggregate.domain.Commands.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.model.WebhookPayload;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The merchant's own name for a refund (its Idempotency-Key, which refund.php answers as {@code refund_id}) travels from
 * the reservation to every later event of that refund — the provider's confirmation or refusal come from the connector,
 * which does not know it — and is the {@code refund.refund_id} of the refund webhook.
 */
class RefundNamesTest {

    private static final long SESSION = 4343;

    @ParameterizedTest(name = "settled {0}")
    @CsvSource({"true, RECORDED, refund.succeeded", "false, REFUSED, refund.failed"})
    void the_merchants_name_of_a_refund_is_on_its_reservation_its_settlement_and_its_webhook(boolean accepted, RefundPhase phase,
                                                                                           String type) {
        SessionState paid = SessionTransitionsTableTest.inStatus(SessionStatus.PAID);
        Instant t = T0.plusSeconds(20);
        SessionCommand reserve = Commands.refund("c-name", "rf-kassa-1", paid.getSessionId(), t, 500L);
        Envelope reserved = Commands.append(paid, reserve);
        assertThat(((RefundRecorded) reserved.events().get(0).getPayload()).getMerchantRefundId()).isEqualTo("merchant-rf-kassa-1");

        Envelope settled = Commands.append(reserved.state(),
                Commands.settle("c-name-ok", "rf-kassa-1", paid.getSessionId(), t.plusSeconds(1), accepted));
        SessionEvent event = settled.events().get(0);
        RefundRecorded recorded = (RefundRecorded) event.getPayload();
        assertThat(recorded.getPhase()).isEqualTo(phase);
        assertThat(recorded.getRefundId()).isEqualTo("rf-kassa-1");
        assertThat(recorded.getMerchantRefundId()).as("from the state: the connector's answer does not carry it").isEqualTo("merchant-rf-kassa-1");

        String body = new String(WebhookPayload.body(event, settled.state()), StandardCharsets.UTF_8);
        assertThat(body).contains("\"type\":\"" + type + "\"").contains("\"refund_id\":\"merchant-rf-kassa-1\"").doesNotContain("\"rf-kassa-1\"");
    }
}
