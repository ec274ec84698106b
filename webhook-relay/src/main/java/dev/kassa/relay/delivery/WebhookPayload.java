package dev.kassa.relay.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The webhook body for one event, as seed 003 shows it plus {@code event_id}, {@code previous_status} and
 * {@code sequence}. A pure function of the event and the session's state after it, so the same event always has
 * the same body; {@code sent_at} is the event's time for that reason (the attempt's own time is in
 * {@code webhook-timestamp}).
 */
public final class WebhookPayload {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SEED_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String[] REFERENCE_FIELDS = {"txid", "txid_in", "txid_out", "paid_value_coin", "paid_coin", "polygon_address_in"};

    private WebhookPayload() {
    }

    /** The exact bytes to send. */
    public static byte[] body(SessionEvent event, SessionState state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", "payment.session");
        body.put("event_id", event.getEventId());
        body.put("session_id", event.getSessionId());
        body.put("order_id", state.getOrderId());
        body.put("status", lower(event.getStatus().name()));
        body.put("previous_status", event.getPreviousStatus() == null ? null : lower(event.getPreviousStatus().name()));
        body.put("sequence", event.getSequence());
        body.put("amount", decimal(state.getAmountMinor(), state.getCurrency()));
        body.put("currency", state.getCurrency());
        // What the provider reported as received (SPEC.md, Money integrity); null until a payment is reported.
        String paidCurrency = state.getPaidCurrency() == null ? state.getCurrency() : state.getPaidCurrency();
        body.put("paid_amount", state.getPaidAmountMinor() == null ? null : decimal(state.getPaidAmountMinor(), paidCurrency));
        if (!paidCurrency.equals(state.getCurrency())) {
            body.put("paid_currency", paidCurrency);
        }
        if (event.getStatus() == dev.kassa.schemas.avro.SessionStatus.REVIEW) {
            body.put("review_reason", state.getReviewReason());
        }
        body.put("shop_domain", state.getShopDomain());
        body.put("email", state.getCustomerEmail());
        for (String field : REFERENCE_FIELDS) {
            body.put(field, state.getReferences().get(field));
        }
        if (state.getRefundedMinor() > 0) {
            body.put("refunded_amount", decimal(state.getRefundedMinor(), state.getCurrency()));
        }
        body.put("late", state.getLate());
        body.put("created_at", SEED_TIME.format(state.getCreatedAt()));
        body.put("expires_at", SEED_TIME.format(state.getExpiresAt()));
        body.put("sent_at", DateTimeFormatter.ISO_INSTANT.format(event.getOccurredAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings and numbers always serializes", e);
        }
    }

    /** Minor units as the decimal string merchants see ("7900" EUR is "79.00", JPY has no decimals). */
    public static String decimal(long minor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException e) {
            digits = 2; // not an ISO 4217 code (a coin): two decimals, as the seeds show
        }
        return BigDecimal.valueOf(minor, digits).toPlainString();
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

}
