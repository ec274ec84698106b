package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.BlindIndex;
import dev.kassa.model.RefundLedger;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.PaymentEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The gateway's read side: Kafka Streams folds the aggregate's output into RocksDB stores, partitioned like the
 * sessions, so an instance holds the sessions of the partitions it is assigned and nothing else in its heap.
 * <ul>
 *   <li>per session partition: the session's state ({@link #SESSIONS}), its timeline ({@link #TIMELINE}: events, the
 *   aggregate's answers, webhook attempts, routing decisions, each as the bytes on its topic), the sessions with a
 *   refund reserved ({@link #RESERVED}), counts per status ({@link #COUNTS}) and the retirement index;</li>
 *   <li>per merchant partition (after a repartition by merchant id): the merchant's sessions newest first
 *   ({@link #MERCHANT_SESSIONS}) and the newest session of each order ({@link #ORDERS}).</li>
 * </ul>
 * Terminal sessions unchanged for {@code retention} leave every view (the event log keeps them; {@code kassa history}
 * still reads them); a later change brings a session back. Every store is idempotent under a replay: the guarantee is
 * at-least-once, and a record read twice writes the same keys.
 */
public final class ViewTopology {

    public static final String SESSIONS = "view-sessions";
    public static final String TIMELINE = "view-timeline";
    public static final String RESERVED = "view-refunds-reserved";
    public static final String COUNTS = "view-status-counts";
    static final String RETIREMENTS = "view-retirements";
    public static final String MERCHANT_SESSIONS = "view-merchant-sessions";
    public static final String ORDERS = "view-merchant-orders";
    public static final String DAYS = "view-merchant-days";
    /** The merchant's events feed: merchant id, the repartition record's offset (the cursor) -> the payment event's bytes. */
    public static final String FEED = "view-merchant-events";
    /**
     * How far each session has reached in its merchant's feed: merchant id, session id -> the sequence of its newest
     * event there. What a feed read waits on for read-your-writes; an entry goes with the session's last feed event.
     */
    static final String FEED_MARKS = "view-merchant-event-marks";

    /** Statuses a session may rest in for good; only these retire (a later change would bring it back anyway). */
    static final Set<SessionStatus> TERMINAL = EnumSet.of(SessionStatus.PAID, SessionStatus.FAILED, SessionStatus.EXPIRED,
            SessionStatus.CANCELLED, SessionStatus.REFUNDED);

    /** At most this many sessions retire per check, so that a backlog never stalls the stream thread. */
    static final int RETIRE_BATCH = 10_000;

    private static final byte UPDATE = 'U';
    private static final byte RETIRE = 'R';
    private static final byte EVENT = 'E';

    /** The session state's Avro encoding (the same bytes as on its topic without a registry). */
    static final AvroSerde<SessionState> STATES = new AvroSerde<>(SessionState.class);

    /**
     * How the stores keep a state: plain Avro, never through a schema registry (in registry mode the topics' serdes
     * would register the stores' internal topics as subjects).
     */
    static final Serde<SessionState> STORED_STATES = Serdes.serdeFrom(
            (topic, state) -> state == null ? null : STATES.encode(state),
            (topic, bytes) -> bytes == null ? null : STATES.decode(bytes));

    private ViewTopology() {
    }

    /**
     * @param retention  how long a terminal session stays after its last change
     * @param checkEvery how often (wall clock) retirement runs
     * @param changed    told the id of every session whose state was written (waiters for a sequence wake up)
     * @param emails     the blind index of buyers' e-mails in the lookup index
     */
    public static Topology build(Duration retention, Duration checkEvery, Clock clock, LongConsumer changed, BlindIndex emails) {
        AvroSerde<SessionState> states = STATES;
        Serde<SessionState> stored = STORED_STATES;
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(store(SESSIONS, Serdes.Long(), stored));
        builder.addStateStore(store(TIMELINE, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(RESERVED, Serdes.Long(), Serdes.ByteArray()));
        builder.addStateStore(store(COUNTS, Serdes.String(), Serdes.Long()));
        builder.addStateStore(store(RETIREMENTS, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(MERCHANT_SESSIONS, Serdes.Bytes(), stored));
        builder.addStateStore(store(ORDERS, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(DAYS, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(FEED, Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(store(FEED_MARKS, Serdes.Bytes(), Serdes.Long()));
        builder.addStateStore(store(SessionLookups.STORE, Serdes.Bytes(), Serdes.ByteArray()));

        KStream<Long, byte[]> toMerchants = builder.stream(Topics.SESSION_STATE.name(),
                        Consumed.with(Serdes.Long(), states).withName("view-state-source"))
                .process(() -> new SessionView(retention, checkEvery, clock, changed, states), SESSIONS, TIMELINE, RESERVED, COUNTS, RETIREMENTS);
        // The public payment events go to their merchant's partition too, through the same repartition: the feed is
        // read where the merchant's other views are, and its cursor is the position in that partition.
        KStream<Long, byte[]> events = builder.stream(Topics.PAYMENT_EVENTS.name(),
                        Consumed.with(Serdes.Long(), Serdes.ByteArray()).withName("view-payment-events-source"))
                .process(FeedForwarder::new);
        toMerchants.merge(events)
                .repartition(Repartitioned.<Long, byte[]>as("view-by-merchant").withKeySerde(Serdes.Long()).withValueSerde(Serdes.ByteArray()))
                .process(() -> new MerchantView(states, retention, clock, changed, emails), MERCHANT_SESSIONS, ORDERS, DAYS, FEED, FEED_MARKS,
                        SessionLookups.STORE);

        builder.stream(Topics.SESSION_EVENTS.name(), Consumed.with(SessionEventKey.serde(), Serdes.ByteArray()).withName("view-events-source"))
                .process(() -> new TimelineView<SessionEventKey>(ViewKeys.EVENT, SessionEventKey::sessionId, changed), TIMELINE);
        timeline(builder, Topics.COMMAND_RESULTS.name(), ViewKeys.RESULT);
        timeline(builder, Topics.WEBHOOK_ATTEMPTS.name(), ViewKeys.ATTEMPT);
        timeline(builder, Topics.ROUTING_DECISIONS.name(), ViewKeys.ROUTE);
        return builder.build();
    }

    private static void timeline(StreamsBuilder builder, String topic, byte kind) { // no waiter needs these

        builder.stream(topic, Consumed.with(Serdes.Long(), Serdes.ByteArray()).withName("view-" + kind + "-source"))
                .process(() -> new TimelineView<Long>(kind, id -> id, id -> { }), TIMELINE);
    }

    private static <K, V> StoreBuilder<KeyValueStore<K, V>> store(String name, Serde<K> keys, Serde<V> values) {
        // No record cache: a write is visible to interactive queries at once, which read-your-writes relies on.
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values).withCachingDisabled();
    }

    /** The update sent to the merchant's partition: what happened, then the session's state as on its topic. */
    static byte[] update(byte op, byte[] state) {
        byte[] out = new byte[state.length + 1];
        out[0] = op;
        System.arraycopy(state, 0, out, 1, state.length);
        return out;
    }

    /** The session partition's views: state, reserved refunds, counts, and retirement. */
    static final class SessionView implements Processor<Long, SessionState, Long, byte[]> {

        private final Duration retention;
        private final Duration checkEvery;
        private final Clock clock;
        private final LongConsumer changed;
        private final AvroSerde<SessionState> states;
        private ProcessorContext<Long, byte[]> context;
        private KeyValueStore<Long, SessionState> sessions;
        private KeyValueStore<Bytes, byte[]> timeline;
        private KeyValueStore<Long, byte[]> reserved;
        private KeyValueStore<String, Long> counts;
        private KeyValueStore<Bytes, byte[]> retirements;

        SessionView(Duration retention, Duration checkEvery, Clock clock, LongConsumer changed, AvroSerde<SessionState> states) {
            this.retention = retention;
            this.checkEvery = checkEvery;
            this.clock = clock;
            this.changed = changed;
            this.states = states;
        }

        @Override
        public void init(ProcessorContext<Long, byte[]> context) {
            this.context = context;
            sessions = context.getStateStore(SESSIONS);
            timeline = context.getStateStore(TIMELINE);
            reserved = context.getStateStore(RESERVED);
            counts = context.getStateStore(COUNTS);
            retirements = context.getStateStore(RETIREMENTS);
            context.schedule(checkEvery, PunctuationType.WALL_CLOCK_TIME, now -> retire());
        }

        @Override
        public void process(Record<Long, SessionState> record) {
            long id = record.key();
            SessionState state = record.value();
            SessionState before = sessions.get(id);
            if (state == null) {
                if (before != null) {
                    forget(id, before);
                }
                return;
            }
            if (before != null && before.getSequence() > state.getSequence()) {
                return; // a replayed older state never overwrites a newer one
            }
            sessions.put(id, state);
            count(before == null ? null : before.getStatus(), state.getStatus());
            if (RefundLedger.reserved(state) > 0) {
                reserved.put(id, new byte[0]);
            } else if (before != null && RefundLedger.reserved(before) > 0) {
                reserved.delete(id);
            }
            if (TERMINAL.contains(state.getStatus())) {
                retirements.put(Bytes.wrap(ViewKeys.retirement(state.getUpdatedAt().toEpochMilli(), id)), new byte[0]);
            }
            changed.accept(id);
            context.forward(new Record<>(state.getMerchantId(), update(UPDATE, states.encode(state)), record.timestamp()));
        }

        private void count(SessionStatus before, SessionStatus after) {
            if (before == after) {
                return;
            }
            if (before != null) {
                Long n = counts.get(before.name());
                counts.put(before.name(), Math.max(0, (n == null ? 0 : n) - 1));
            }
            if (after != null) {
                Long n = counts.get(after.name());
                counts.put(after.name(), (n == null ? 0 : n) + 1);
            }
        }

        /** Terminal sessions whose last change is older than the retention leave the views, oldest first. */
        void retire() {
            long cutoff = clock.millis() - retention.toMillis();
            if (cutoff <= 0) {
                return;
            }
            List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = retirements.range(null, Bytes.wrap(ViewKeys.retirement(cutoff, Long.MAX_VALUE)))) {
                while (it.hasNext() && due.size() < RETIRE_BATCH) {
                    due.add(it.next());
                }
            }
            for (KeyValue<Bytes, byte[]> entry : due) {
                retirements.delete(entry.key);
                long id = ViewKeys.retirementSession(entry.key.get());
                SessionState state = sessions.get(id);
                // The index may be older than the session: it changed since (a refund of a paid session) and is
                // either not terminal or not old enough now. Its newer entry, if any, decides.
                if (state != null && TERMINAL.contains(state.getStatus()) && state.getUpdatedAt().toEpochMilli() <= cutoff) {
                    forget(id, state);
                }
            }
        }

        private void forget(long id, SessionState state) {
            sessions.delete(id);
            reserved.delete(id);
            count(state.getStatus(), null);
            List<Bytes> entries = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = timeline.range(Bytes.wrap(ViewKeys.timelineFrom(id)), Bytes.wrap(ViewKeys.timelineTo(id)))) {
                it.forEachRemaining(kv -> entries.add(kv.key));
            }
            entries.forEach(timeline::delete);
            context.forward(new Record<>(state.getMerchantId(), update(RETIRE, states.encode(state)), clock.millis()));
        }
    }

    /** A session's timeline: every record about it, as the bytes on its topic, in topic order per kind. */
    static final class TimelineView<K> implements Processor<K, byte[], Void, Void> {

        private final byte kind;
        private final ToLongFunction<K> sessionOf;
        private final LongConsumer changed;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, byte[]> timeline;

        TimelineView(byte kind, ToLongFunction<K> sessionOf, LongConsumer changed) {
            this.kind = kind;
            this.sessionOf = sessionOf;
            this.changed = changed;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            timeline = context.getStateStore(TIMELINE);
        }

        @Override
        public void process(Record<K, byte[]> record) {
            if (record.key() == null || record.value() == null) {
                return; // an erased event (tombstone) or a keyless record: nothing to show
            }
            long session = sessionOf.applyAsLong(record.key());
            // Events by sequence (a re-sent event collapses onto itself), the rest by offset (topic order; a replay
            // after a crash writes the same key again).
            long ordinal = record.key() instanceof SessionEventKey k ? k.sequence()
                    : context.recordMetadata().map(m -> m.offset()).orElse(record.timestamp());
            timeline.put(Bytes.wrap(ViewKeys.timeline(session, kind, ordinal)), record.value());
            changed.accept(session);
        }
    }

    /** Sends each payment event to its merchant's partition, marked as an event among the state updates. */
    static final class FeedForwarder implements Processor<Long, byte[], Long, byte[]> {

        private ProcessorContext<Long, byte[]> context;

        @Override
        public void init(ProcessorContext<Long, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<Long, byte[]> record) {
            if (record.value() == null) {
                return;
            }
            long merchant;
            try {
                merchant = FeedEvents.decode(record.value()).getMerchantId();
            } catch (RuntimeException e) {
                return; // not a payment event this version can read: nothing to show
            }
            context.forward(new Record<>(merchant, update(EVENT, record.value()), record.timestamp()));
        }
    }

    /** Sessions that were paid: paid, or refunded after it (a refund keeps the day's paid volume: it was received). */
    static boolean paid(SessionStatus status) {
        return status == SessionStatus.PAID || status == SessionStatus.REFUNDED;
    }

    /**
     * The merchant partition's views: the merchant's sessions newest first, each order's newest session, and figures
     * per day of creation (sessions, sessions per status now, paid sessions and paid volume per currency) for the
     * dashboard's overview. The figures are history: a retired session stays counted.
     */
    static final class MerchantView implements Processor<Long, byte[], Void, Void> {

        private final AvroSerde<SessionState> states;
        private final Duration retention;
        private final Clock clock;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, SessionState> list;
        private KeyValueStore<Bytes, byte[]> orders;
        private KeyValueStore<Bytes, byte[]> days;
        private final LongConsumer changed;
        private KeyValueStore<Bytes, byte[]> feed;
        private KeyValueStore<Bytes, Long> marks;
        private KeyValueStore<Bytes, byte[]> lookups;
        private final BlindIndex emails;

        MerchantView(AvroSerde<SessionState> states, Duration retention, Clock clock, LongConsumer changed, BlindIndex emails) {
            this.emails = emails;
            this.states = states;
            this.retention = retention;
            this.clock = clock;
            this.changed = changed;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            list = context.getStateStore(MERCHANT_SESSIONS);
            orders = context.getStateStore(ORDERS);
            days = context.getStateStore(DAYS);
            feed = context.getStateStore(FEED);
            marks = context.getStateStore(FEED_MARKS);
            lookups = context.getStateStore(SessionLookups.STORE);
        }

        @Override
        public void process(Record<Long, byte[]> record) {
            byte[] bytes = record.value();
            if (bytes == null || bytes.length < 2) {
                return;
            }
            if (bytes[0] == EVENT) {
                append(record.key(), Arrays.copyOfRange(bytes, 1, bytes.length));
                return;
            }
            SessionState state = states.decode(Arrays.copyOfRange(bytes, 1, bytes.length));
            long merchant = state.getMerchantId();
            long created = state.getCreatedAt().toEpochMilli();
            Bytes listKey = Bytes.wrap(ViewKeys.merchantSession(merchant, created, state.getSessionId()));
            Bytes orderKey = Bytes.wrap(ViewKeys.order(merchant, state.getOrderId()));
            byte[] newest = orders.get(orderKey);
            if (bytes[0] == RETIRE) {
                list.delete(listKey);
                SessionLookups.forget(lookups, state, emails);
                if (newest != null && ViewKeys.orderSessionId(newest) == state.getSessionId()) {
                    orders.delete(orderKey);
                }
                return;
            }
            count(list.get(listKey), state);
            SessionLookups.index(lookups, state, emails);
            // The list shows a summary: the bounded idempotency memory is the aggregate's business, not a reader's.
            list.put(listKey, SessionState.newBuilder(state).setRecentCommands(List.of()).build());
            // The newest session of an order wins (SPEC.md): latest created_at, the larger id on a tie.
            if (newest == null || ViewKeys.orderCreatedAt(newest) < created
                    || (ViewKeys.orderCreatedAt(newest) == created && ViewKeys.orderSessionId(newest) <= state.getSessionId())) {
                orders.put(orderKey, ViewKeys.orderSession(created, state.getSessionId()));
            }
        }

        /**
         * Adds a payment event to its merchant's feed under this record's offset in the merchant's partition (a replay
         * after a crash writes the same key again), and lets the merchant's oldest events past the retention go, a few
         * per append: the feed is kept as long as the session views.
         */
        private void append(long merchant, byte[] event) {
            long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
            if (offset < 0) {
                return;
            }
            feed.put(Bytes.wrap(ViewKeys.feed(merchant, offset)), event);
            PaymentEvent appended = readable(event);
            if (appended != null) {
                Bytes mark = Bytes.wrap(ViewKeys.feedMark(merchant, appended.getSessionId()));
                Long reached = marks.get(mark);
                if (reached == null || reached < appended.getSequence()) {
                    marks.put(mark, appended.getSequence());
                }
            }
            long cutoff = clock.millis() - retention.toMillis();
            List<KeyValue<Bytes, byte[]>> old = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> it = feed.range(Bytes.wrap(ViewKeys.feed(merchant, 0)), Bytes.wrap(ViewKeys.feed(merchant, Long.MAX_VALUE)))) {
                while (it.hasNext() && old.size() < 8) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    if (FeedEvents.occurredAtMillis(kv.value) >= cutoff) {
                        break;
                    }
                    old.add(kv);
                }
            }
            for (KeyValue<Bytes, byte[]> kv : old) {
                feed.delete(kv.key);
                forget(merchant, kv.value);
            }
            changed.accept(appended == null ? -1 : appended.getSessionId());
        }

        /** Drops a session's mark when its newest feed event leaves the feed. */
        private void forget(long merchant, byte[] event) {
            PaymentEvent gone = readable(event);
            if (gone == null) {
                return; // unreadable: it set no mark
            }
            Bytes mark = Bytes.wrap(ViewKeys.feedMark(merchant, gone.getSessionId()));
            Long reached = marks.get(mark);
            if (reached != null && reached <= gone.getSequence()) {
                marks.delete(mark);
            }
        }

        private static PaymentEvent readable(byte[] event) {
            try {
                return FeedEvents.decode(event);
            } catch (RuntimeException e) {
                return null; // written by a newer version this one cannot read
            }
        }

        /** Moves the figures of the session's day of creation from {@code before} (null: new) to {@code after}. */
        private void count(SessionState before, SessionState after) {
            if (before != null && before.getStatus() == after.getStatus()) {
                return; // a replay, or a change that moves no figure
            }
            long day = Math.floorDiv(after.getCreatedAt().toEpochMilli(), 86_400_000L);
            Bytes key = Bytes.wrap(ViewKeys.merchantDay(after.getMerchantId(), day));
            DayFigures figures = DayFigures.decode(days.get(key));
            if (before == null) {
                figures.add("sessions", 1);
            } else {
                figures.add("status:" + before.getStatus().name(), -1);
            }
            figures.add("status:" + after.getStatus().name(), 1);
            boolean was = before != null && paid(before.getStatus());
            if (was != paid(after.getStatus())) {
                int sign = was ? -1 : 1;
                boolean otherCurrency = after.getPaidAmountMinor() != null && after.getPaidCurrency() != null
                        && !after.getPaidCurrency().equals(after.getCurrency());
                long amount = after.getPaidAmountMinor() != null && !otherCurrency ? after.getPaidAmountMinor() : after.getAmountMinor();
                figures.add("paid", sign);
                figures.add("paid_minor:" + after.getCurrency(), sign * amount);
            }
            days.put(key, figures.encode());
        }
    }
}
