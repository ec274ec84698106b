package dev.kassa.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The webhook body for one event, as seed 003 shows it plus {@code event_id}, {@code previous_status} and
 * {@code sequence}. A pure function of the event and the session's state after it, so the same event always has
 * the same body; {@code sent_at} is the event's time for that reason (the attempt's own time is in
 * {@code webhook-timestamp}). The session's fields come from {@link SessionView}, as the status answer's do.
 */
public final class WebhookPayload {

    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookPayload() {
    }

    /**
     * The merchant's meta, echoed when not empty (seed 003: "includes ... payment metadata"); a session made through a
     * payment link also carries {@code payment_link} at the top, as its status answer does (SPEC.md).
     */
    private static void meta(String metaJson, Map<String, Object> body) {
        if (metaJson == null || metaJson.isEmpty() || "{}".equals(metaJson)) {
            return;
        }
        try {
            JsonNode meta = JSON.readTree(metaJson);
            if (meta != null && meta.isObject() && !meta.isEmpty()) {
                body.put("meta", meta);
                if (meta.path("payment_link").isTextual()) {
                    body.put("payment_link", meta.get("payment_link").asText());
                }
            }
        } catch (JsonProcessingException e) {
            // Stored meta is always the JSON the gateway checked; were it not, the webhook goes without it.
        }
    }

    /**
     * The {@code refund} object of a {@code refund.*} webhook: the refund itself, beside the session's totals. Its
     * {@code refund_id} is the one {@code refund.php} answered: the merchant's own (its Idempotency-Key) when it named
     * the refund, else Kassa's.
     */
    private static Map<String, Object> refund(RefundRecorded refund, String currency) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("refund_id", refund.getMerchantRefundId() != null ? refund.getMerchantRefundId() : refund.getRefundId());
        object.put("amount", Money.toDecimal(refund.getAmountMinor(), currency));
        object.put("currency", currency);
        object.put("status", refund.getPhase() == RefundPhase.REFUSED ? "failed" : "succeeded");
        object.put("reason", refund.getReason());
        return object;
    }

    /**
     * The exact bytes to send for an event that announces something ({@link WebhookTypes#of(SessionEvent)} not null);
     * {@code state} is the session after it.
     */
    public static byte[] body(SessionEvent event, SessionState state) {
        String type = WebhookTypes.of(event);
        if (type == null) {
            throw new IllegalArgumentException("event " + event.getEventId() + " announces nothing; no webhook is sent for it");
        }
        SessionView view = SessionView.of(state);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "payment.session");
        body.put("type", type);
        body.put("event_id", event.getEventId());
        body.put("session_id", event.getSessionId());
        body.put("order_id", view.orderId());
        body.put("status", SessionView.status(event.getStatus()));
        body.put("previous_status", SessionView.status(event.getPreviousStatus()));
        body.put("sequence", event.getSequence());
        body.put("amount", view.amount());
        body.put("currency", view.currency());
        // What the provider reported as received (SPEC.md, Money integrity); null until a payment is reported.
        body.put("paid_amount", view.paidAmount());
        if (view.paidCurrency() != null) {
            body.put("paid_currency", view.paidCurrency());
        }
        if (view.reviewReason() != null) {
            body.put("review_reason", view.reviewReason());
        }
        body.put("shop_domain", view.shopDomain());
        body.put("email", view.customerEmail());
        if (view.payer() != null) {
            body.put("payer", view.payer()); // personal: the merchant's, never logged
        }
        body.putAll(view.references());
        if (view.refundedMinor() > 0) {
            body.put("refunded_amount", view.refundedAmount());
        }
        if (event.getPayload() instanceof RefundRecorded refund) {
            body.put("refund", refund(refund, state.getCurrency()));
        }
        body.put("late", view.late());
        body.put("created_at", view.createdAt());
        body.put("expires_at", view.expiresAt());
        body.put("sent_at", SeedTime.iso(event.getOccurredAt()));
        meta(state.getMetaJson(), body);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }
}
