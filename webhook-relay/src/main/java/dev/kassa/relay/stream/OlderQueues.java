package dev.kassa.relay.stream;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import dev.kassa.schemas.avro.WebhookDelivery;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What older relays left in their stores, moved once into today's queues and due index. */
final class OlderQueues {

    private static final Logger LOG = LoggerFactory.getLogger(OlderQueues.class);

    private OlderQueues() {
    }

    /**
     * Queues of older relays, once, on the first scan after an upgrade: those written before endpoints (one per
     * session) become the first endpoint's, and due heads indexed by time first move to the index by endpoint.
     * Nothing queued is lost, nothing is sent twice.
     */
    static void migrate(KeyValueStore<Bytes, WebhookDelivery> legacyDeliveries, KeyValueStore<Bytes, Long> legacyDue,
                        KeyValueStore<Bytes, Long> timeOrderedDue, KeyValueStore<Bytes, WebhookDelivery> deliveries, DueIndex due,
                        Function<DeliveryProcessor.Queue, WebhookDelivery> head) {
        Map<DeliveryProcessor.Queue, WebhookDelivery> heads = new HashMap<>();
        List<Bytes> done = new ArrayList<>();
        try (KeyValueIterator<Bytes, WebhookDelivery> it = legacyDeliveries.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, WebhookDelivery> entry = it.next();
                WebhookDelivery d = entry.value;
                DeliveryProcessor.Queue queue = new DeliveryProcessor.Queue(d.getSessionId(), d.getMerchantId());
                deliveries.put(DeliveryProcessor.deliveryKey(queue, d.getSequence()), WebhookDelivery.newBuilder(d).setEndpointKey(d.getMerchantId()).build());
                heads.merge(queue, d, (a, b) -> a); // the first (lowest sequence) is the head
                done.add(entry.key);
            }
        }
        done.forEach(legacyDeliveries::delete);
        heads.forEach((queue, d) -> due.put(d.getNextAttemptAt(), queue, d.getMerchantId()));
        List<Bytes> stale = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = legacyDue.all()) {
            it.forEachRemaining(entry -> stale.add(entry.key));
        }
        stale.forEach(legacyDue::delete);
        List<KeyValue<Bytes, Long>> timeOrdered = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = timeOrderedDue.all()) {
            it.forEachRemaining(timeOrdered::add);
        }
        for (KeyValue<Bytes, Long> entry : timeOrdered) {
            ByteBuffer b = ByteBuffer.wrap(entry.key.get()); // due time, session, endpoint key
            Instant at = Instant.ofEpochMilli(b.getLong());
            DeliveryProcessor.Queue queue = new DeliveryProcessor.Queue(b.getLong(), b.getLong());
            WebhookDelivery current = head.apply(queue);
            if (current != null) {
                due.put(at, queue, current.getMerchantId());
            }
            timeOrderedDue.delete(entry.key);
        }
        if (!done.isEmpty() || !timeOrdered.isEmpty()) {
            LOG.info("moved {} queued webhook(s) of {} session queue(s) to per-endpoint queues; {} due head(s) to the index by endpoint",
                    done.size(), heads.size(), timeOrdered.size());
        }
    }

}
