package dev.kassa.relay.stream;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The queue heads that are due, per endpoint: a store keyed by (endpoint key, due time, session id) → merchant id,
 * so that one endpoint's due heads are one range and an endpoint that may take nothing now (its slots full, its
 * circuit open, disabled) costs the scan nothing, whatever it has queued. Beside the store, in memory, the endpoints
 * that have anything queued, each with a lower bound of its earliest due time (rebuilt from the store when a task
 * starts, at one seek per endpoint), so a scan visits only endpoints with something due.
 */
final class DueIndex {

    /**
     * An endpoint with queued heads: its merchant, and no head of it is due before {@code dueHint}. {@code floor}: no
     * entry of it is earlier (a true lower bound, which a held endpoint's {@code dueHint} is not); reads start there,
     * not at zero, because a RocksDB seek steps over every deleted entry before the first live one, and every delivered
     * head is one until compaction.
     */
    static final class Queued {
        final long merchantId;
        long dueHint;
        long floor;

        Queued(long merchantId, long dueHint) {
            this.merchantId = merchantId;
            this.dueHint = dueHint;
            this.floor = dueHint;
        }
    }

    private final KeyValueStore<Bytes, Long> store;
    private final Map<Long, Queued> endpoints = new LinkedHashMap<>();
    private int turn;

    DueIndex(KeyValueStore<Bytes, Long> store) {
        this.store = store;
        rebuild();
    }

    /** Reads which endpoints have queued heads, one seek per endpoint (keys are ordered by endpoint first). */
    private void rebuild() {
        long from = 0;
        while (from >= 0) {
            try (KeyValueIterator<Bytes, Long> it = store.range(key(from, 0, 0), key(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE))) {
                if (!it.hasNext()) {
                    return;
                }
                KeyValue<Bytes, Long> first = it.next();
                ByteBuffer b = ByteBuffer.wrap(first.key.get());
                long endpoint = b.getLong();
                endpoints.put(endpoint, new Queued(first.value, b.getLong()));
                from = endpoint == Long.MAX_VALUE ? -1 : endpoint + 1;
            }
        }
    }

    void put(Instant at, DeliveryProcessor.Queue queue, long merchantId) {
        store.put(key(queue.endpointKey(), at.toEpochMilli(), queue.sessionId()), merchantId);
        Queued queued = endpoints.computeIfAbsent(queue.endpointKey(), k -> new Queued(merchantId, at.toEpochMilli()));
        queued.dueHint = Math.min(queued.dueHint, at.toEpochMilli());
        queued.floor = Math.min(queued.floor, at.toEpochMilli());
    }

    void delete(Instant at, DeliveryProcessor.Queue queue) {
        store.delete(key(queue.endpointKey(), at.toEpochMilli(), queue.sessionId()));
    }

    void delete(Bytes key) {
        store.delete(key);
    }

    /** Endpoints with a head that may be due at {@code now}, starting one further along at each call (round robin). */
    List<Map.Entry<Long, Queued>> dueEndpoints(Instant now) {
        List<Map.Entry<Long, Queued>> all = new ArrayList<>(endpoints.entrySet());
        List<Map.Entry<Long, Queued>> due = new ArrayList<>();
        int n = all.size();
        int start = n == 0 ? 0 : Math.floorMod(turn++, n);
        for (int i = 0; i < n; i++) {
            Map.Entry<Long, Queued> entry = all.get((start + i) % n);
            if (entry.getValue().dueHint <= now.toEpochMilli()) {
                due.add(entry);
            }
        }
        return due;
    }

    /** One endpoint's heads due by {@code now}, earliest first; the caller closes it. */
    KeyValueIterator<Bytes, Long> due(long endpointKey, Instant now) {
        return store.range(key(endpointKey, floor(endpointKey), 0), key(endpointKey, now.toEpochMilli(), Long.MAX_VALUE));
    }

    /** A read from the floor met its first entry due at {@code atMillis}: nothing of the endpoint is earlier. */
    void firstAt(long endpointKey, long atMillis) {
        Queued queued = endpoints.get(endpointKey);
        if (queued != null) {
            queued.floor = Math.max(queued.floor, atMillis);
        }
    }

    private long floor(long endpointKey) {
        Queued queued = endpoints.get(endpointKey);
        return queued == null ? 0 : queued.floor;
    }

    /** Nothing of {@code endpointKey} is due before {@code at} (a disabled endpoint looks again then). */
    void notBefore(long endpointKey, Instant at) {
        Queued queued = endpoints.get(endpointKey);
        if (queued != null) {
            queued.dueHint = Math.max(queued.dueHint, at.toEpochMilli());
        }
    }

    /** After a scan found nothing due: the earliest later head sets the hint, or the endpoint has nothing queued. */
    void nothingDue(long endpointKey) {
        try (KeyValueIterator<Bytes, Long> it = store.range(key(endpointKey, floor(endpointKey), 0),
                key(endpointKey, Long.MAX_VALUE, Long.MAX_VALUE))) {
            if (it.hasNext()) {
                long first = ByteBuffer.wrap(it.next().key.get()).getLong(8);
                endpoints.get(endpointKey).dueHint = first;
                endpoints.get(endpointKey).floor = first;
            } else {
                endpoints.remove(endpointKey);
            }
        }
    }

    /** Every entry (the backlog count and the upgrade read it); the caller closes it. */
    KeyValueIterator<Bytes, Long> all() {
        return store.all();
    }

    static Bytes key(long endpointKey, long atMillis, long sessionId) {
        return Bytes.wrap(ByteBuffer.allocate(24).putLong(endpointKey).putLong(atMillis).putLong(sessionId).array());
    }

    static DeliveryProcessor.Queue queueOf(Bytes key) {
        ByteBuffer b = ByteBuffer.wrap(key.get());
        long endpoint = b.getLong();
        b.getLong();
        return new DeliveryProcessor.Queue(b.getLong(), endpoint);
    }

    static long dueAtMillis(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong(8);
    }
}
