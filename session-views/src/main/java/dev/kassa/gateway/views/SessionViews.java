package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.BlindIndex;
import dev.kassa.gateway.shared.GatewayKeys;
import dev.kassa.gateway.shared.GatewayMetrics;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's read side ({@link ViewTopology}) and the interactive queries over it: a key's owner answers from its
 * RocksDB store; any other instance forwards the read to it over HTTP (the owner's {@code application.server}, the
 * operator port, the operator's token), as Confluent's microservices {@code OrdersService} does. While the views are
 * restoring or moving (a rebalance), a read waits, bounded, then answers 503 {@code unavailable}.
 *
 * <p>Started once the HTTP server listens, because the address other instances reach it at includes its port.
 */
@Singleton
public final class SessionViews implements ApplicationEventListener<ServerStartupEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionViews.class);
    private static final Serializer<Long> LONGS = Serdes.Long().serializer();
    /** How long a read waits for the views to become queryable (restoring, rebalancing) before a 503. */
    static final Duration AVAILABILITY = Duration.ofSeconds(10);
    /** At most this many of a merchant's sessions are looked at for one page (a filter that matches few stops here). */
    public static final int PAGE_SCAN_LIMIT = 5_000;

    private final GatewaySettings settings;
    private final KafkaAccess access;
    private final Clock clock;
    private final Object changed = new Object();
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile KafkaStreams streams;
    volatile HostInfo self;
    private Path stateDir;
    private boolean temporaryStateDir;

    final PeerReads peers;
    private final BlindIndex emails;

    public SessionViews(GatewaySettings settings, KafkaAccess access, Clock clock, GatewayKeys keys) {
        this.peers = new PeerReads("Bearer " + keys.peerToken(), this::awaitChange);
        this.emails = keys.blindIndex();
        this.settings = settings;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        int port = settings.adminPort() > 0 ? settings.adminPort() : event.getSource().getPort();
        start(port);
    }

    synchronized void start(int port) {
        if (streams != null) {
            return;
        }
        try {
            if (settings.viewsStateDir().isBlank()) {
                // No directory given (tests, a throwaway gateway): a fresh one, restored from Kafka on every start.
                stateDir = Files.createTempDirectory("kassa-gateway-views");
                temporaryStateDir = true;
            } else {
                stateDir = Files.createDirectories(Path.of(settings.viewsStateDir()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the views' state directory: " + e.getMessage(), e);
        }
        self = new HostInfo(settings.viewsHost(), port);
        Properties p = ViewsConfig.streams(settings, self, stateDir);
        Duration retention = settings.viewRetention();
        Duration checkEvery = Duration.ofMillis(Math.max(100, Math.min(Duration.ofMinutes(10).toMillis(), retention.toMillis() / 10)));
        KafkaStreams started = new KafkaStreams(ViewTopology.build(retention, checkEvery, clock, this::changed, emails), access.streams(p));
        started.setUncaughtExceptionHandler(e -> {
            LOG.error("session views' stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        started.setStateListener((next, previous) -> changed(-1));
        started.start();
        streams = started;
        GatewayMetrics.countSessionsWith(this::ownedStatusCounts);
        LOG.info("session views: {} at {}, state in {}", settings.viewsApplicationId(), self, stateDir);
    }

    private void changed(long sessionId) {
        if (waiters.get() > 0) {
            synchronized (changed) {
                changed.notifyAll();
            }
        }
    }

    /** Waits for a change of any view, at most {@code millis} (a missed wake-up costs at most that). */
    void awaitChange(long millis) throws InterruptedException {
        if (millis <= 0) {
            return;
        }
        waiters.incrementAndGet();
        try {
            synchronized (changed) {
                changed.wait(Math.min(millis, 50));
            }
        } finally {
            waiters.decrementAndGet();
        }
    }

    /** Whether the views are up and queryable here (restored, not rebalancing). */
    public boolean ready() {
        KafkaStreams s = streams;
        return s != null && s.state() == KafkaStreams.State.RUNNING;
    }

    /** Waits until the views are queryable here (joined, restored), at most {@code timeout}; whether they are. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            awaitChange(left / 1_000_000 + 1); // woken by every state change of the stream
        }
        return true;
    }

    /** Kafka Streams' state of the views, for /health. */
    public String state() {
        KafkaStreams s = streams;
        return s == null ? "not started" : s.state().name();
    }

    /** The partitions of the sessions whose views this instance owns (active, not standby), in order. */
    public List<Integer> ownedPartitions() {
        KafkaStreams s = streams;
        if (s == null) {
            return List.of();
        }
        return s.metadataForLocalThreads().stream().flatMap(t -> t.activeTasks().stream()).flatMap(t -> t.topicPartitions().stream())
                .filter(tp -> tp.topic().equals(Topics.SESSION_STATE.name())).map(tp -> tp.partition()).sorted().toList();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reads, wherever the key lives

    /** The session now, from whichever instance owns it; null if no view has it. */
    public SessionState session(long id) throws InterruptedException {
        return awaitSession(id, -1, Duration.ZERO);
    }

    /**
     * The session once its view has reached {@code minSequence} (read-your-writes), waiting at most {@code wait}; after
     * that, whatever the view has (null: nothing).
     */
    public SessionState awaitSession(long id, long minSequence, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        while (true) {
            KeyQueryMetadata owner = owner(ViewTopology.SESSIONS, id, available);
            if (owner.activeHost().equals(self)) {
                SessionState state = localSession(owner.partition(), id, available);
                long left = deadline - System.nanoTime();
                if ((state != null && state.getSequence() >= minSequence) || left <= 0) {
                    return state;
                }
                awaitChange(left / 1_000_000 + 1);
            } else {
                long left = Math.max(0, deadline - System.nanoTime()) / 1_000_000;
                byte[] bytes = peers.get(owner.activeHost(), "/admin/views/sessions/" + id + "?min_sequence=" + minSequence + "&wait_ms=" + left,
                        Duration.ofMillis(left), available);
                if (bytes != NOT_OWNER) {
                    return bytes == null ? null : ViewTopology.STATES.decode(bytes);
                }
            }
        }
    }

    /** For the owner's endpoint: the session from a local store, waiting as {@link #awaitSession}; NOT_OWNER otherwise. */
    byte[] ownedSession(long id, long minSequence, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        while (true) {
            KeyQueryMetadata owner = owner(ViewTopology.SESSIONS, id, available);
            if (!owner.activeHost().equals(self)) {
                return NOT_OWNER;
            }
            SessionState state = localSession(owner.partition(), id, available);
            long left = deadline - System.nanoTime();
            if ((state != null && state.getSequence() >= minSequence) || left <= 0) {
                return state == null ? null : ViewTopology.STATES.encode(state);
            }
            awaitChange(left / 1_000_000 + 1);
        }
    }

    /** The newest session of a merchant's order (latest created_at), or null. */
    public Long orderSession(long merchantId, String orderId) throws InterruptedException {
        byte[] value = byMerchant(merchantId, "/admin/views/orders/" + merchantId + "?order_id=" + URLEncoder.encode(orderId, StandardCharsets.UTF_8),
                partition -> this.<Bytes, byte[]>local(ViewTopology.ORDERS, partition).get(Bytes.wrap(ViewKeys.order(merchantId, orderId))));
        return value == null ? null : ViewKeys.orderSessionId(value);
    }

    /** For the owner's endpoint. */
    byte[] ownedOrder(long merchantId, String orderId) throws InterruptedException {
        return owned(merchantId, partition -> this.<Bytes, byte[]>local(ViewTopology.ORDERS, partition)
                .get(Bytes.wrap(ViewKeys.order(merchantId, orderId))));
    }

    /** Everything recorded about one session, from its timeline view (empty lists: nothing). */
    public SessionHistory.SessionLog timeline(long id) throws InterruptedException {
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        while (true) {
            KeyQueryMetadata owner = owner(ViewTopology.TIMELINE, id, available);
            byte[] frames = owner.activeHost().equals(self) ? localTimeline(owner.partition(), id, available)
                    : peers.get(owner.activeHost(), "/admin/views/timeline/" + id, Duration.ZERO, available);
            if (frames != NOT_OWNER) {
                return ViewFrames.decodeTimeline(frames == null ? new byte[0] : frames);
            }
        }
    }

    /**
     * The timeline once it holds the event of {@code minSequence} (the state's sequence: the timeline reads the events
     * topic, which the state can be a moment ahead of), waiting at most {@code wait}; after that, what it has.
     */
    public SessionHistory.SessionLog awaitTimeline(long id, long minSequence, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            SessionHistory.SessionLog log = timeline(id);
            long newest = log.events().isEmpty() ? -1 : log.events().get(log.events().size() - 1).getSequence();
            long left = deadline - System.nanoTime();
            if (newest >= minSequence || left <= 0) {
                return log;
            }
            awaitChange(left / 1_000_000 + 1);
        }
    }

    /** For the owner's endpoint. */
    byte[] ownedTimeline(long id) throws InterruptedException {
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        KeyQueryMetadata owner = owner(ViewTopology.TIMELINE, id, available);
        return owner.activeHost().equals(self) ? localTimeline(owner.partition(), id, available) : NOT_OWNER;
    }

    /** A page of a merchant's sessions, newest first, and where the next page starts (null: no more). */
    public record Page(List<SessionState> sessions, Cursor next) {
    }

    /** Where a page starts: after this session (created at, id); {@link #FIRST} for the newest. */
    public record Cursor(long createdAtMillis, long sessionId) {
        public static final Cursor FIRST = new Cursor(Long.MAX_VALUE, -1);
    }

    /**
     * Up to {@code limit} of a merchant's sessions after {@code after}, newest first, those {@code wanted} accepts (a
     * status, say). At most {@link #PAGE_SCAN_LIMIT} are looked at, so a filter that matches few returns a short page
     * and a cursor to go on from, never a scan of everything.
     */
    public Page merchantSessions(long merchantId, Cursor after, int limit, Set<SessionStatus> statuses) throws InterruptedException {
        String query = "/admin/views/merchants/" + merchantId + "/sessions?after_created=" + after.createdAtMillis() + "&after_session="
                + after.sessionId() + "&limit=" + limit + "&status=" + String.join(",", statuses.stream().map(Enum::name).toList());
        byte[] frames = byMerchant(merchantId, query, partition -> localPage(partition, merchantId, after, limit, statuses));
        return ViewFrames.decodePage(frames == null ? new byte[0] : frames);
    }

    /** For the owner's endpoint. */
    byte[] ownedPage(long merchantId, Cursor after, int limit, Set<SessionStatus> statuses) throws InterruptedException {
        return owned(merchantId, partition -> localPage(partition, merchantId, after, limit, statuses));
    }

    /** Sessions with a refund reserved and not settled, among the sessions this instance owns (its refund executor's). */
    public Set<Long> ownedReservedRefunds() {
        Set<Long> ids = new HashSet<>();
        this.<Long, byte[]>forEachOwned(ViewTopology.RESERVED, (id, reserved) -> ids.add(id));
        return ids;
    }

    /** Sessions in the views this instance owns, per status. */
    public Map<SessionStatus, Long> ownedStatusCounts() {
        Map<SessionStatus, Long> counts = new TreeMap<>();
        this.<String, Long>forEachOwned(ViewTopology.COUNTS, (status, n) -> counts.merge(SessionStatus.valueOf(status), n, Long::sum));
        return counts;
    }

    /** Every entry of a store in the partitions this instance owns; none while not ready or moving (the next round sees them). */
    private <K, V> void forEachOwned(String store, BiConsumer<K, V> each) {
        if (ready()) {
            try (KeyValueIterator<K, V> it = this.<K, V>allLocal(store).all()) {
                it.forEachRemaining(kv -> each.accept(kv.key, kv.value));
            } catch (InvalidStateStoreException e) {
                // moving
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Local stores and the owner's metadata

    /** The reply that says "not mine (any more)": the caller asks the metadata again. */
    static final byte[] NOT_OWNER = new byte[0];

    @FunctionalInterface
    interface PartitionRead {
        byte[] read(int partition);
    }

    byte[] byMerchant(long merchantId, String path, PartitionRead local) throws InterruptedException {
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        while (true) {
            KeyQueryMetadata owner = owner(ViewTopology.ORDERS, merchantId, available);
            byte[] answer = owner.activeHost().equals(self) ? readLocal(owner.partition(), local, available)
                    : peers.get(owner.activeHost(), path, Duration.ZERO, available);
            if (answer != NOT_OWNER) {
                return answer;
            }
        }
    }

    byte[] owned(long merchantId, PartitionRead local) throws InterruptedException {
        long available = System.nanoTime() + AVAILABILITY.toNanos();
        KeyQueryMetadata owner = owner(ViewTopology.ORDERS, merchantId, available);
        return owner.activeHost().equals(self) ? readLocal(owner.partition(), local, available) : NOT_OWNER;
    }

    private byte[] readLocal(int partition, PartitionRead local, long availableUntil) throws InterruptedException {
        while (true) {
            try {
                return local.read(partition);
            } catch (InvalidStateStoreException e) {
                unavailableAfter(availableUntil, e);
                awaitChange(20);
            }
        }
    }

    private SessionState localSession(int partition, long id, long availableUntil) throws InterruptedException {
        while (true) {
            try {
                return this.<Long, SessionState>local(ViewTopology.SESSIONS, partition).get(id);
            } catch (InvalidStateStoreException e) {
                unavailableAfter(availableUntil, e);
                awaitChange(20);
            }
        }
    }

    private byte[] localTimeline(int partition, long id, long availableUntil) throws InterruptedException {
        return readLocal(partition, p -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (DataOutputStream data = new DataOutputStream(out);
                 KeyValueIterator<Bytes, byte[]> it = this.<Bytes, byte[]>local(ViewTopology.TIMELINE, p)
                         .range(Bytes.wrap(ViewKeys.timelineFrom(id)), Bytes.wrap(ViewKeys.timelineTo(id)))) {
                while (it.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    ViewFrames.frame(data, ViewKeys.kindOf(kv.key.get()), kv.value);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }, availableUntil);
    }

    private byte[] localPage(int partition, long merchantId, Cursor after, int limit, Set<SessionStatus> statuses) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out);
             KeyValueIterator<Bytes, SessionState> it = this.<Bytes, SessionState>local(ViewTopology.MERCHANT_SESSIONS, partition)
                     .range(Bytes.wrap(ViewKeys.merchantSessionsFrom(merchantId, after.createdAtMillis(), after.sessionId())),
                             Bytes.wrap(ViewKeys.merchantSessionsTo(merchantId)))) {
            int found = 0;
            int looked = 0;
            SessionState last = null;
            while (it.hasNext() && found < limit && looked < PAGE_SCAN_LIMIT) {
                SessionState state = it.next().value;
                looked++;
                last = state;
                if (statuses.isEmpty() || statuses.contains(state.getStatus())) {
                    ViewFrames.frame(data, (byte) 'S', ViewTopology.STATES.encode(state));
                    found++;
                }
            }
            if (last != null && it.hasNext()) {
                ViewFrames.frame(data, (byte) 'N', ByteBuffer.allocate(16).putLong(last.getCreatedAt().toEpochMilli())
                        .putLong(last.getSessionId()).array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private <K> KeyQueryMetadata owner(String store, K key, long availableUntil) throws InterruptedException {
        while (true) {
            KafkaStreams s = streams;
            if (s != null) {
                KeyQueryMetadata owner = s.queryMetadataForKey(store, (Long) key, LONGS);
                if (owner != null && !owner.equals(KeyQueryMetadata.NOT_AVAILABLE) && owner.activeHost() != null) {
                    return owner;
                }
            }
            unavailableAfter(availableUntil, null);
            awaitChange(20);
        }
    }

    private static void unavailableAfter(long deadline, RuntimeException cause) {
        if (System.nanoTime() - deadline > 0) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "the session views are restoring or moving between gateway instances; retry in a moment"
                    + (cause == null ? "" : " (" + cause.getMessage() + ")"));
        }
    }

    <K, V> ReadOnlyKeyValueStore<K, V> local(String store, int partition) {
        return running().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition));
    }

    <K, V> ReadOnlyKeyValueStore<K, V> allLocal(String store) {
        return running().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    /**
     * The running Streams client. A read that raced the instance's shutdown (its HTTP server still answering while the
     * views close) gets 503, never a NullPointerException's 500 ({@code kassa bench relay} met a hundred of them).
     */
    KafkaStreams running() {
        KafkaStreams s = streams;
        if (s == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "this gateway instance is stopping; retry (another instance answers)");
        }
        return s;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        KafkaStreams s = streams;
        streams = null;
        if (s != null) {
            // Leave the group now (static members otherwise keep their partitions until their session times out, and
            // reads of those keys would be forwarded to an instance that is gone).
            s.close(CloseOptions.groupMembershipOperation(
                    CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
            if (temporaryStateDir) {
                s.cleanUp();
                ViewsConfig.deleteQuietly(stateDir);
            }
        }
    }
}
