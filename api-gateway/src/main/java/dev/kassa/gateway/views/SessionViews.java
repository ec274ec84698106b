package dev.kassa.gateway.views;

import dev.kassa.gateway.ApiError;
import dev.kassa.gateway.GatewaySettings;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.GroupMembership;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
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
    private static final Duration AVAILABILITY = Duration.ofSeconds(10);
    /** At most this many of a merchant's sessions are looked at for one page (a filter that matches few stops here). */
    public static final int PAGE_SCAN_LIMIT = 5_000;

    private final GatewaySettings settings;
    private final KafkaAccess access;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Object changed = new Object();
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile KafkaStreams streams;
    private volatile HostInfo self;
    private Path stateDir;
    private boolean temporaryStateDir;

    private final String peerAuthorization;

    public SessionViews(GatewaySettings settings, KafkaAccess access, Clock clock, dev.kassa.gateway.GatewayKeys keys) {
        this.peerAuthorization = "Bearer " + keys.peerToken();
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
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.viewsApplicationId());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // At-least-once: every view is idempotent under a replay, so exactly-once would only add commit latency.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.viewsStandbyReplicas());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The aggregate's output is written transactionally: read only what it committed.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // fetch.max.wait.ms stays at its default (500 ms), as for every consumer of the gateway: a broker answers a fetch
        // as soon as a record (read_committed: a commit) arrives, so a short wait adds no freshness, only empty fetches
        // (at 10-20 ms they were half of an idle `kassa dev`'s CPU, and took cores from everything else under load).
        // The repartition by merchant is on the path of the order index and the list: Streams' default linger (100 ms)
        // would be most of the lag between a session's state and its order's index.
        p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG), 5);
        GroupMembership.consumerSettings(settings.viewsApplicationId(), stateDir)
                .forEach((key, value) -> p.put(StreamsConfig.mainConsumerPrefix(key), value));
        Duration retention = settings.viewRetention();
        Duration checkEvery = Duration.ofMillis(Math.max(100, Math.min(Duration.ofMinutes(10).toMillis(), retention.toMillis() / 10)));
        KafkaStreams started = new KafkaStreams(ViewTopology.build(retention, checkEvery, clock, this::changed), access.streams(p));
        started.setUncaughtExceptionHandler(e -> {
            LOG.error("session views' stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        started.setStateListener((next, previous) -> changed(-1));
        started.start();
        streams = started;
        dev.kassa.gateway.GatewayMetrics.countSessionsWith(this::ownedStatusCounts);
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
                byte[] bytes = remote(owner.activeHost(), "/admin/views/sessions/" + id + "?min_sequence=" + minSequence + "&wait_ms=" + left,
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
                    : remote(owner.activeHost(), "/admin/views/timeline/" + id, Duration.ZERO, available);
            if (frames != NOT_OWNER) {
                return decodeTimeline(frames == null ? new byte[0] : frames);
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
        return decodePage(frames == null ? new byte[0] : frames);
    }

    /** For the owner's endpoint. */
    byte[] ownedPage(long merchantId, Cursor after, int limit, Set<SessionStatus> statuses) throws InterruptedException {
        return owned(merchantId, partition -> localPage(partition, merchantId, after, limit, statuses));
    }

    /** A merchant's figures per day of creation, from day {@code fromDay} to {@code toDay} (days since 1970-01-01, UTC). */
    public java.util.SortedMap<Long, DayFigures> merchantDays(long merchantId, long fromDay, long toDay) throws InterruptedException {
        long to = Math.max(fromDay, Math.min(toDay, fromDay + 366)); // a year at most per question
        byte[] frames = byMerchant(merchantId, "/admin/views/merchants/" + merchantId + "/days?from=" + fromDay + "&to=" + to,
                partition -> localDays(partition, merchantId, fromDay, to));
        java.util.SortedMap<Long, DayFigures> days = new java.util.TreeMap<>();
        for (Map.Entry<Byte, byte[]> frame : frames(frames == null ? new byte[0] : frames)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame.getValue());
            long day = b.getLong();
            byte[] rest = new byte[b.remaining()];
            b.get(rest);
            days.put(day, DayFigures.decode(rest));
        }
        return days;
    }

    /** For the owner's endpoint. */
    byte[] ownedDays(long merchantId, long fromDay, long toDay) throws InterruptedException {
        long to = Math.max(fromDay, Math.min(toDay, fromDay + 366));
        return owned(merchantId, partition -> localDays(partition, merchantId, fromDay, to));
    }

    private byte[] localDays(int partition, long merchantId, long fromDay, long toDay) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(out);
             KeyValueIterator<Bytes, byte[]> it = this.<Bytes, byte[]>local(ViewTopology.DAYS, partition)
                     .range(Bytes.wrap(ViewKeys.merchantDay(merchantId, fromDay)), Bytes.wrap(ViewKeys.merchantDay(merchantId, toDay)))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                frame(data, (byte) 'D', java.nio.ByteBuffer.allocate(8 + kv.value.length).putLong(ViewKeys.dayOf(kv.key.get()))
                        .put(kv.value).array());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sessions with a refund reserved and not settled, among the sessions this instance owns (its refund executor's). */
    public Set<Long> ownedReservedRefunds() {
        Set<Long> ids = new HashSet<>();
        if (!ready()) {
            return ids;
        }
        try (KeyValueIterator<Long, byte[]> it = this.<Long, byte[]>allLocal(ViewTopology.RESERVED).all()) {
            it.forEachRemaining(kv -> ids.add(kv.key));
        } catch (InvalidStateStoreException e) {
            // moving: the next round sees them
        }
        return ids;
    }

    /** Sessions in the views this instance owns, per status. */
    public Map<SessionStatus, Long> ownedStatusCounts() {
        Map<SessionStatus, Long> counts = new TreeMap<>();
        if (!ready()) {
            return counts;
        }
        try (KeyValueIterator<String, Long> it = this.<String, Long>allLocal(ViewTopology.COUNTS).all()) {
            it.forEachRemaining(kv -> counts.merge(SessionStatus.valueOf(kv.key), kv.value, Long::sum));
        } catch (InvalidStateStoreException e) {
            // moving
        }
        return counts;
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
                    : remote(owner.activeHost(), path, Duration.ZERO, available);
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
                    frame(data, ViewKeys.kindOf(kv.key.get()), kv.value);
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
                    frame(data, (byte) 'S', ViewTopology.STATES.encode(state));
                    found++;
                }
            }
            if (last != null && it.hasNext()) {
                frame(data, (byte) 'N', java.nio.ByteBuffer.allocate(16).putLong(last.getCreatedAt().toEpochMilli())
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

    private <K, V> ReadOnlyKeyValueStore<K, V> allLocal(String store) {
        return running().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    /**
     * The running Streams client. A read that raced the instance's shutdown (its HTTP server still answering while the
     * views close) gets 503, never a NullPointerException's 500 ({@code kassa bench relay} met a hundred of them).
     */
    private KafkaStreams running() {
        KafkaStreams s = streams;
        if (s == null) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "this gateway instance is stopping; retry (another instance answers)");
        }
        return s;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Forwarding

    /**
     * GETs a view from its owner: the bytes, null for 404, NOT_OWNER for 409 (the owner moved) or for an owner that
     * does not answer (killed: the group gives its partitions to the others once its session times out), until
     * {@code availableUntil}; then 503.
     */
    private byte[] remote(HostInfo owner, String path, Duration wait, long availableUntil) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + owner.host() + ":" + owner.port() + path))
                .header("Authorization", peerAuthorization) // the peers' own token, never the operator's
                .timeout(wait.plus(Duration.ofSeconds(5))).GET().build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return switch (response.statusCode()) {
                case 200 -> response.body();
                case 404 -> null;
                case 409 -> {
                    awaitChange(20); // the owner moved: metadata will say where, in a moment
                    yield NOT_OWNER;
                }
                default -> throw new ApiError(ErrorCode.UNAVAILABLE, "the gateway instance that holds this view answered "
                        + response.statusCode() + "; retry in a moment");
            };
        } catch (IOException e) {
            if (System.nanoTime() - availableUntil > 0) {
                // Where and why in the log (for the operator), not in the answer (the caller needs neither host nor exception).
                LOG.warn("the views' owner {}:{} did not answer a forwarded read: {}", owner.host(), owner.port(), e.toString());
                throw new ApiError(ErrorCode.UNAVAILABLE, "the gateway instance that holds this view did not answer; retry in a moment");
            }
            awaitChange(50);
            return NOT_OWNER;
        }
    }

    static void frame(DataOutputStream out, byte kind, byte[] bytes) throws IOException {
        out.writeByte(kind);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static List<Map.Entry<Byte, byte[]>> frames(byte[] bytes) {
        List<Map.Entry<Byte, byte[]>> frames = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            while (in.available() > 0) {
                byte kind = in.readByte();
                byte[] value = new byte[in.readInt()];
                in.readFully(value);
                frames.add(Map.entry(kind, value));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frames;
    }

    static SessionHistory.SessionLog decodeTimeline(byte[] bytes) {
        SessionHistory.SessionLog log = new SessionHistory.SessionLog(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Map.Entry<Byte, byte[]> frame : frames(bytes)) {
            switch (frame.getKey()) {
                case ViewKeys.EVENT -> log.events().add(Topics.SESSION_EVENTS.valueSerde().deserializer().deserialize(Topics.SESSION_EVENTS.name(), frame.getValue()));
                case ViewKeys.RESULT -> log.results().add(Topics.COMMAND_RESULTS.valueSerde().deserializer().deserialize(Topics.COMMAND_RESULTS.name(), frame.getValue()));
                case ViewKeys.ATTEMPT -> log.attempts().add(Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer().deserialize(Topics.WEBHOOK_ATTEMPTS.name(), frame.getValue()));
                case ViewKeys.ROUTE -> log.routes().add(Topics.ROUTING_DECISIONS.valueSerde().deserializer().deserialize(Topics.ROUTING_DECISIONS.name(), frame.getValue()));
                default -> { }
            }
        }
        // Attempts and answers in the order they happened (their keys order them by offset, which is the same per partition).
        log.events().sort(Comparator.comparingLong(e -> e.getSequence()));
        return log;
    }

    private static Page decodePage(byte[] bytes) {
        List<SessionState> sessions = new ArrayList<>();
        Cursor next = null;
        for (Map.Entry<Byte, byte[]> frame : frames(bytes)) {
            if (frame.getKey() == 'S') {
                sessions.add(ViewTopology.STATES.decode(frame.getValue()));
            } else if (frame.getKey() == 'N') {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame.getValue());
                next = new Cursor(b.getLong(), b.getLong());
            }
        }
        return new Page(sessions, next);
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        KafkaStreams s = streams;
        streams = null;
        if (s != null) {
            // Leave the group now (static members otherwise keep their partitions until their session times out, and
            // reads of those keys would be forwarded to an instance that is gone).
            s.close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                    org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(10)));
            if (temporaryStateDir) {
                s.cleanUp();
                deleteQuietly(stateDir);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
