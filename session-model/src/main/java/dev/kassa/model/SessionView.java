package dev.kassa.model;

import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A session as a merchant reads it: the one shape behind the status answer, the webhook body and the merchant's
 * log, so the three never disagree on a field (amounts as decimal strings in the session's currency, times as the
 * seeds write them, the same provider references).
 *
 * @param paidAmount    what the provider reported as received, or null until a payment is reported
 * @param paidCurrency  the currency of {@code paidAmount} when it differs from the session's, else null
 * @param reviewReason  why the session is in review; null in every other status
 * @param references    the provider's references, every field of {@link #REFERENCE_FIELDS} in order, null when absent
 * @param payer         what the buyer gave on the hosted page ({@link PayerView}), null when nothing
 */
public record SessionView(long sessionId, long merchantId, String orderId, String status, String amount, String currency,
                          String paidAmount, String paidCurrency, String refundedAmount, long refundedMinor,
                          String reviewReason, String shopDomain, String customerEmail, Map<String, String> references,
                          String lastError, boolean late, String createdAt, String expiresAt, String metaJson, long sequence,
                          String description, List<Line> lineItems, Map<String, Object> payer) {

    /** One line of what is sold, its unit amount as a decimal string in the session's currency. */
    public record Line(String name, int quantity, String unitAmount) {
    }

    /** The provider references a merchant may read (seed 003: crypto payments fill the last five). */
    public static final List<String> REFERENCE_FIELDS = List.of("txid", "txid_in", "txid_out", "paid_value_coin", "paid_coin",
            "polygon_address_in");

    public static SessionView of(SessionState s) {
        String paidCurrency = s.getPaidCurrency() == null ? s.getCurrency() : s.getPaidCurrency();
        Map<String, String> references = new LinkedHashMap<>();
        for (String field : REFERENCE_FIELDS) {
            references.put(field, s.getReferences().get(field));
        }
        return new SessionView(s.getSessionId(), s.getMerchantId(), s.getOrderId(), status(s.getStatus()),
                Money.toDecimal(s.getAmountMinor(), s.getCurrency()), s.getCurrency(),
                s.getPaidAmountMinor() == null ? null : Money.toDecimal(s.getPaidAmountMinor(), paidCurrency),
                paidCurrency.equals(s.getCurrency()) ? null : paidCurrency,
                Money.toDecimal(s.getRefundedMinor(), s.getCurrency()), s.getRefundedMinor(),
                s.getStatus() == SessionStatus.REVIEW ? s.getReviewReason() : null,
                s.getShopDomain(), s.getCustomerEmail(), Collections.unmodifiableMap(references), s.getLastError(), s.getLate(),
                SeedTime.format(s.getCreatedAt()), SeedTime.format(s.getExpiresAt()), s.getMetaJson(), s.getSequence(),
                s.getDescription(), s.getLineItems().stream()
                        .map(l -> new Line(l.getName(), l.getQuantity(), Money.toDecimal(l.getUnitAmountMinor(), s.getCurrency()))).toList(),
                PayerView.of(s.getPayer()));
    }

    /** A status as a person writes it ({@code paid}, {@code Review}, ...), the inverse of {@link #status}; empty for no status. */
    public static Optional<SessionStatus> statusOf(String word) {
        if (word == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(SessionStatus.valueOf(word.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A status as the API and webhooks spell it: {@code paid}, {@code review}, ... */
    public static String status(SessionStatus status) {
        return status == null ? null : status.name().toLowerCase(Locale.ROOT);
    }
}
