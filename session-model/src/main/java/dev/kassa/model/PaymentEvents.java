package dev.kassa.model;

import dev.kassa.schemas.avro.PaymentEvent;
import dev.kassa.schemas.avro.PaymentEventRefund;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;

/**
 * The record of {@code kassa.payment-events} for one event: what its webhook says as typed fields, and the webhook's
 * body itself. A pure function of the event and the session's state after it, like {@link WebhookPayload}, so the
 * topic, the webhooks and a rebuild from the log can never disagree.
 */
public final class PaymentEvents {

    private PaymentEvents() {
    }

    /** The record for {@code event}, or null when the event announces nothing (a refund's reservation, a repeated status). */
    public static PaymentEvent of(SessionEvent event, SessionState after) {
        String type = WebhookTypes.of(event);
        if (type == null) {
            return null;
        }
        PaymentEventRefund refund = null;
        if (event.getPayload() instanceof RefundRecorded r) {
            refund = new PaymentEventRefund(r.getMerchantRefundId() != null ? r.getMerchantRefundId() : r.getRefundId(), r.getAmountMinor(), r.getPhase() == RefundPhase.REFUSED ? "failed" : "succeeded",
                    r.getReason());
        }
        return PaymentEvent.newBuilder().setType(type).setEventId(event.getEventId()).setSessionId(event.getSessionId())
                .setMerchantId(event.getMerchantId()).setOrderId(after.getOrderId()).setSequence(event.getSequence())
                .setOccurredAt(event.getOccurredAt()).setStatus(SessionView.status(event.getStatus()))
                .setPreviousStatus(SessionView.status(event.getPreviousStatus())).setAmountMinor(after.getAmountMinor())
                .setCurrency(after.getCurrency()).setPaidAmountMinor(after.getPaidAmountMinor()).setPaidCurrency(after.getPaidCurrency())
                .setRefundedMinor(after.getRefundedMinor()).setRefund(refund).setProvider(after.getProvider())
                .setProviderPaymentId(after.getProviderPaymentId())
                .setReviewReason(after.getStatus() == SessionStatus.REVIEW ? after.getReviewReason() : null)
                .setLate(after.getLate()).setWebhookBody(ByteBuffer.wrap(WebhookPayload.body(event, after))).build();
    }
}
