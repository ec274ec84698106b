package dev.kassa.schemas;

import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Instant;
import java.util.Map;

/** Realistic records for serde and topic tests. */
final class SampleRecords {

    static final Instant T0 = Instant.parse("2026-02-25T12:00:00Z");

    private SampleRecords() {
    }

    static SessionEvent created(long sessionId) {
        return SessionEvent.newBuilder()
                .setEventId("evt_" + sessionId + "_1")
                .setSessionId(sessionId)
                .setMerchantId(88)
                .setSequence(1)
                .setOccurredAt(T0)
                .setStatus(SessionStatus.CREATED)
                .setPreviousStatus(null)
                .setCause(new EventCause("cmd-" + sessionId, "CreateSession", "merchant-api", "d1"))
                .setPayload(SessionCreated.newBuilder()
                        .setOrderId("ORDER_123")
                        .setAmountMinor(7900)
                        .setCurrency("EUR")
                        .setShopDomain("yourshop.com")
                        .setCustomerEmail("buyer@example.com")
                        .setReturnUrl("https://yourshop.com/thank-you")
                        .setMetaJson("{\"cart_id\":\"CART_55\"}")
                        .setExpiresAt(T0.plusSeconds(900))
                        .setGraceSeconds(1800)
                        .setLatePaymentPolicy(LatePaymentPolicy.REVIEW)
                        .build())
                .build();
    }

    static SessionEvent paid(long sessionId, long sequence) {
        return SessionEvent.newBuilder()
                .setEventId("evt_" + sessionId + "_" + sequence)
                .setSessionId(sessionId)
                .setMerchantId(88)
                .setSequence(sequence)
                .setOccurredAt(T0.plusSeconds(60 * sequence))
                .setStatus(SessionStatus.PAID)
                .setPreviousStatus(SessionStatus.PENDING)
                .setCause(new EventCause("cb-" + sessionId + "-" + sequence, "ProviderReport", "provider:wert", "d2"))
                .setPayload(PaymentSucceeded.newBuilder()
                        .setProvider("wert")
                        .setProviderEventId("wert_evt_" + sequence)
                        .setAmountMinor(7900)
                        .setCurrency("EUR")
                        .setReferences(Map.of("txid", "0xabc", "paid_coin", "USDC"))
                        .setLate(false)
                        .build())
                .build();
    }
}
