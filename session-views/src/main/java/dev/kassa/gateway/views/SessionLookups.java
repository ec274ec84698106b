package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.BlindIndex;
import dev.kassa.schemas.avro.SessionState;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The session views' lookup index, for support: every session of a merchant's order, and every session of a buyer's
 * e-mail by its blind index (an HMAC, never the address). Kept in the merchant partition beside the merchant's other
 * views, entered when a session first reaches them and removed when it retires, so it is as large as the views and
 * no larger. One lookup answers at most {@link #LIMIT} sessions, newest ids last-in-key-order (a scan never runs on).
 */
public final class SessionLookups {

    static final String STORE = "view-lookups";
    static final int LIMIT = 50;
    private static final int FRAME = 24;

    /** A session a lookup found: its id, its merchant, when it was created. */
    public record Found(long sessionId, long merchantId, Instant createdAt) {
    }

    private SessionLookups() {
    }

    /** Enters a session (its order, and its e-mail when it has one); a session already there costs a read, not a write. */
    static void index(KeyValueStore<Bytes, byte[]> store, SessionState state, BlindIndex emails) {
        byte[] value = ByteBuffer.allocate(16).putLong(state.getMerchantId()).putLong(state.getCreatedAt().toEpochMilli()).array();
        for (Bytes key : keys(state, emails)) {
            if (store.get(key) == null) {
                store.put(key, value);
            }
        }
    }

    /** Removes a retired session. */
    static void forget(KeyValueStore<Bytes, byte[]> store, SessionState state, BlindIndex emails) {
        for (Bytes key : keys(state, emails)) {
            store.delete(key);
        }
    }

    private static List<Bytes> keys(SessionState state, BlindIndex emails) {
        List<Bytes> keys = new ArrayList<>(2);
        keys.add(Bytes.wrap(ViewKeys.orderLookup(state.getMerchantId(), state.getOrderId(), state.getSessionId())));
        byte[] blind = emails.of(state.getCustomerEmail());
        if (blind != null) {
            keys.add(Bytes.wrap(ViewKeys.emailLookup(blind, state.getSessionId())));
        }
        return keys;
    }

    /** The sessions under one prefix ({@code sample}: any key of it), as frames of 24 bytes: session, merchant, created. */
    static byte[] scan(ReadOnlyKeyValueStore<Bytes, byte[]> store, byte[] sample) {
        ByteBuffer out = ByteBuffer.allocate(LIMIT * FRAME);
        int found = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(ViewKeys.lookupFrom(sample)), Bytes.wrap(ViewKeys.lookupTo(sample)))) {
            while (it.hasNext() && found < LIMIT) {
                var kv = it.next();
                out.putLong(ViewKeys.lookupSession(kv.key.get())).put(kv.value, 0, 16);
                found++;
            }
        }
        byte[] frames = new byte[found * FRAME];
        out.flip().get(frames);
        return frames;
    }

    static List<Found> decode(byte[] frames) {
        List<Found> found = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(frames == null ? new byte[0] : frames);
        while (in.remaining() >= FRAME) {
            found.add(new Found(in.getLong(), in.getLong(), Instant.ofEpochMilli(in.getLong())));
        }
        return found;
    }
}
