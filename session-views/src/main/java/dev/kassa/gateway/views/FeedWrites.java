package dev.kassa.gateway.views;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-your-writes for the events feed: the writes each merchant was answered for on this gateway that announce an
 * event (a create, a cancel), so the merchant's next feed read here waits (bounded) until the feed holds them, as a
 * status read waits for a session created here.
 *
 * <p>Only the newest write per partition of the session topics is kept: a partition's events reach the merchant's
 * feed in their order (one upstream task per partition, one producer), so once the newest is there every earlier one
 * of that partition is too. Bounded by merchants and partitions, never by traffic: at most 100,000 merchants, each
 * forgotten a minute after its last write.
 */
@Singleton
public final class FeedWrites {

    /** The session's event of at least this sequence is what the merchant was answered for (0: any event of it). */
    public record Written(long sessionId, long sequence) {
    }

    private final Cache<Long, Map<Integer, Written>> newest = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(1)).build();

    /** Remembers a write to {@code partition}; it replaces the merchant's older write to that partition. */
    public void wrote(long merchantId, int partition, long sessionId, long sequence) {
        newest.asMap().compute(merchantId, (id, writes) -> {
            Map<Integer, Written> next = writes == null ? new ConcurrentHashMap<>() : writes;
            next.put(partition, new Written(sessionId, sequence));
            return next;
        });
    }

    /** The newest write answered here per partition for this merchant (empty: none in the last minute). */
    public List<Written> newest(long merchantId) {
        Map<Integer, Written> writes = newest.getIfPresent(merchantId);
        return writes == null ? List.of() : List.copyOf(writes.values());
    }
}
