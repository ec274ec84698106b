package dev.kassa.relay.stream;

import dev.kassa.schemas.avro.WebhookDelivery;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How many webhooks each (session, endpoint) queue holds, so that "is this queue empty?" is a point lookup. Asked as a
 * range read of the deliveries store it was not: Kafka Streams' RocksDB range iterator has no upper bound, so a seek
 * into an empty queue skips every deleted delivery after it until it meets a live one — all the delivered webhooks
 * of later sessions since the last compaction. Measured: that seek took most of the relay's thread at 1,000
 * payments/s and grew with traffic (docs/BENCHMARKS.md). A queue that has a count has a live head, so reading it
 * stops at once.
 *
 * <p>Stores written before this one have no counts: until the first scan has counted every queue (once, then a marker
 * says so), {@link #maybeQueued} answers true and the caller reads the range as before.
 */
final class QueueLengths {

    /** Present once every queue of the task's deliveries store has been counted (an empty key: no queue has it). */
    private static final Bytes COUNTED = Bytes.wrap(new byte[0]);

    private final KeyValueStore<Bytes, Integer> store;
    private boolean counted;

    QueueLengths(KeyValueStore<Bytes, Integer> store) {
        this.store = store;
        this.counted = store.get(COUNTED) != null;
    }

    /** False only when the queue is surely empty. */
    boolean maybeQueued(DeliveryProcessor.Queue queue) {
        return !counted || store.get(key(queue)) != null;
    }

    /** One webhook added to the queue: its length with it, or 0 while the queues are not counted yet. */
    int added(DeliveryProcessor.Queue queue) {
        if (!counted) {
            return 0;
        }
        Bytes key = key(queue);
        Integer n = store.get(key);
        int length = n == null ? 1 : n + 1;
        store.put(key, length);
        return length;
    }

    /** The queue's head left it (delivered or parked for good): how many are left, or -1 while not counted yet. */
    int removed(DeliveryProcessor.Queue queue) {
        if (!counted) {
            return -1;
        }
        Bytes key = key(queue);
        Integer n = store.get(key);
        if (n == null || n <= 1) {
            store.delete(key);
            return 0;
        }
        store.put(key, n - 1);
        return n - 1;
    }

    /** Counts every queue of {@code deliveries}, once per store (bounded by what is queued, read in key order). */
    void countOnce(KeyValueStore<Bytes, WebhookDelivery> deliveries) {
        if (counted) {
            return;
        }
        try (KeyValueIterator<Bytes, WebhookDelivery> it = deliveries.all()) {
            Bytes current = null;
            int n = 0;
            while (it.hasNext()) {
                KeyValue<Bytes, WebhookDelivery> entry = it.next();
                Bytes queue = Bytes.wrap(Arrays.copyOf(entry.key.get(), 16)); // the key is (session, endpoint, sequence)
                if (!queue.equals(current)) {
                    if (current != null) {
                        store.put(current, n);
                    }
                    current = queue;
                    n = 0;
                }
                n++;
            }
            if (current != null) {
                store.put(current, n);
            }
        }
        store.put(COUNTED, 0);
        counted = true;
    }

    private static Bytes key(DeliveryProcessor.Queue queue) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(queue.sessionId()).putLong(queue.endpointKey()).array());
    }
}
