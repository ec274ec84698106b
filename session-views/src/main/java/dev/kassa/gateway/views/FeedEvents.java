package dev.kassa.gateway.views;

import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.PaymentEvent;

/** The events feed's values: payment events as their topic holds them, decoded where a field is needed. */
final class FeedEvents {

    private FeedEvents() {
    }

    static PaymentEvent decode(byte[] bytes) {
        return (PaymentEvent) Topics.PAYMENT_EVENTS.valueSerde().deserializer().deserialize(Topics.PAYMENT_EVENTS.name(), bytes);
    }

    static long occurredAtMillis(byte[] bytes) {
        try {
            return decode(bytes).getOccurredAt().toEpochMilli();
        } catch (RuntimeException e) {
            return Long.MIN_VALUE; // unreadable: the first to go
        }
    }
}
