package dev.kassa.gateway.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import dev.kassa.gateway.shared.BlindIndex;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The read side's folds, one record at a time through Kafka Streams' test driver (no broker: the stores' logic). */
class ViewTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(90);
    private static final BlindIndex EMAILS = new BlindIndex(new byte[32]);

    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final List<Long> changed = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<Long, SessionState> states;

    @BeforeEach
    void start() {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "views-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(ViewTopology.build(RETENTION, Duration.ofMinutes(10), clock, changed::add, EMAILS), p, T0);
        states = driver.createInputTopic(Topics.SESSION_STATE.name(), Serdes.Long().serializer(), ViewTopology.STORED_STATES.serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static SessionState state(long id, long merchant, String order, SessionStatus status, long sequence, Instant created, Instant updated) {
        return SessionState.newBuilder().setSessionId(id).setMerchantId(merchant).setOrderId(order).setStatus(status)
                .setAmountMinor(1000).setCurrency("EUR").setShopDomain("shop.example").setCreatedAt(created)
                .setExpiresAt(created.plus(Duration.ofHours(1))).setGraceSeconds(60).setUpdatedAt(updated).setSequence(sequence).build();
    }

    private KeyValueStore<Long, SessionState> sessions() {
        return driver.getKeyValueStore(ViewTopology.SESSIONS);
    }

    private List<Long> merchantList(long merchant) {
        KeyValueStore<Bytes, SessionState> list = driver.getKeyValueStore(ViewTopology.MERCHANT_SESSIONS);
        List<Long> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, SessionState> it = list.range(Bytes.wrap(ViewKeys.merchantSessionsFrom(merchant, Long.MAX_VALUE, -1)),
                Bytes.wrap(ViewKeys.merchantSessionsTo(merchant)))) {
            it.forEachRemaining(kv -> ids.add(kv.value.getSessionId()));
        }
        return ids;
    }

    private Long orderSession(long merchant, String order) {
        byte[] value = driver.<Bytes, byte[]>getKeyValueStore(ViewTopology.ORDERS).get(Bytes.wrap(ViewKeys.order(merchant, order)));
        return value == null ? null : ViewKeys.orderSessionId(value);
    }

    private long count(SessionStatus status) {
        Long n = driver.<String, Long>getKeyValueStore(ViewTopology.COUNTS).get(status.name());
        return n == null ? 0 : n;
    }

    @Test
    void the_newest_state_of_each_session_is_kept_and_an_older_replay_never_overwrites_it() {
        states.pipeInput(1L, state(1, 7, "A", SessionStatus.CREATED, 1, T0, T0));
        states.pipeInput(1L, state(1, 7, "A", SessionStatus.PAID, 3, T0, T0.plusSeconds(5)));
        states.pipeInput(1L, state(1, 7, "A", SessionStatus.PENDING, 2, T0, T0.plusSeconds(2))); // a replay, late

        assertThat(sessions().get(1L).getStatus()).isEqualTo(SessionStatus.PAID);
        assertThat(sessions().get(1L).getSequence()).isEqualTo(3);
        assertThat(count(SessionStatus.PAID)).isEqualTo(1);
        assertThat(count(SessionStatus.CREATED)).isZero();
        assertThat(changed).as("waiters are told of each write").containsExactly(1L, 1L);
    }

    @Test
    void a_merchants_sessions_are_listed_newest_first_and_only_its_own() {
        states.pipeInput(1L, state(1, 7, "A", SessionStatus.CREATED, 1, T0, T0));
        states.pipeInput(3L, state(3, 7, "C", SessionStatus.CREATED, 1, T0.plusSeconds(2), T0.plusSeconds(2)));
        states.pipeInput(2L, state(2, 7, "B", SessionStatus.CREATED, 1, T0.plusSeconds(1), T0.plusSeconds(1)));
        states.pipeInput(9L, state(9, 8, "A", SessionStatus.CREATED, 1, T0.plusSeconds(3), T0.plusSeconds(3)));
        states.pipeInput(2L, state(2, 7, "B", SessionStatus.PAID, 2, T0.plusSeconds(1), T0.plusSeconds(9)));

        assertThat(merchantList(7)).containsExactly(3L, 2L, 1L);
        assertThat(merchantList(8)).containsExactly(9L);
        KeyValueStore<Bytes, SessionState> list = driver.getKeyValueStore(ViewTopology.MERCHANT_SESSIONS);
        SessionState listed = list.get(Bytes.wrap(ViewKeys.merchantSession(7, T0.plusSeconds(1).toEpochMilli(), 2)));
        assertThat(listed.getStatus()).as("a change of status updates the entry in place").isEqualTo(SessionStatus.PAID);
    }

    @Test
    void a_page_after_a_cursor_starts_right_after_that_session_even_within_one_millisecond() {
        for (long id = 10; id < 14; id++) {
            states.pipeInput(id, state(id, 7, "O" + id, SessionStatus.CREATED, 1, T0, T0));
        }
        KeyValueStore<Bytes, SessionState> list = driver.getKeyValueStore(ViewTopology.MERCHANT_SESSIONS);
        List<Long> after11 = new ArrayList<>();
        try (KeyValueIterator<Bytes, SessionState> it = list.range(Bytes.wrap(ViewKeys.merchantSessionsFrom(7, T0.toEpochMilli(), 11)),
                Bytes.wrap(ViewKeys.merchantSessionsTo(7)))) {
            it.forEachRemaining(kv -> after11.add(kv.value.getSessionId()));
        }
        assertThat(after11).containsExactly(12L, 13L);
    }

    @Test
    void an_order_points_at_its_newest_session_whatever_order_the_states_arrive_in() {
        states.pipeInput(5L, state(5, 7, "ORDER", SessionStatus.CREATED, 1, T0.plusSeconds(2), T0.plusSeconds(2)));
        states.pipeInput(4L, state(4, 7, "ORDER", SessionStatus.CREATED, 1, T0.plusSeconds(1), T0.plusSeconds(1)));
        assertThat(orderSession(7, "ORDER")).isEqualTo(5L);

        states.pipeInput(3L, state(3, 7, "ORDER", SessionStatus.CREATED, 1, T0.plusSeconds(2), T0.plusSeconds(2)));
        assertThat(orderSession(7, "ORDER")).as("a tie in created_at: the larger id").isEqualTo(5L);
        states.pipeInput(6L, state(6, 7, "ORDER", SessionStatus.CREATED, 1, T0.plusSeconds(2), T0.plusSeconds(2)));
        assertThat(orderSession(7, "ORDER")).isEqualTo(6L);
        assertThat(orderSession(8, "ORDER")).as("another merchant's order of the same name").isNull();
    }

    @Test
    void sessions_with_a_reserved_refund_are_indexed_until_it_settles() {
        SessionState paid = state(1, 7, "A", SessionStatus.PAID, 2, T0, T0);
        states.pipeInput(1L, paid);
        KeyValueStore<Long, byte[]> reserved = driver.getKeyValueStore(ViewTopology.RESERVED);
        assertThat(reserved.get(1L)).isNull();

        states.pipeInput(1L, SessionState.newBuilder(paid).setSequence(3)
                .setRefunds(List.of(new RefundEntry("rf-1", 500L, RefundPhase.RESERVED, null, null, null))).build());
        assertThat(reserved.get(1L)).isNotNull();
        states.pipeInput(1L, SessionState.newBuilder(paid).setSequence(4).setRefundedMinor(500)
                .setRefunds(List.of(new RefundEntry("rf-1", 500L, RefundPhase.RECORDED, "p-1", null, null))).build());
        assertThat(reserved.get(1L)).isNull();
    }

    @Test
    void the_timeline_keeps_events_by_sequence_and_every_other_record_in_topic_order() {
        TestInputTopic<SessionEventKey, byte[]> events = driver.createInputTopic(Topics.SESSION_EVENTS.name(),
                SessionEventKey.serde().serializer(), Serdes.ByteArray().serializer());
        events.pipeInput(new SessionEventKey(1, 1), new byte[] {1});
        events.pipeInput(new SessionEventKey(1, 2), new byte[] {2});
        events.pipeInput(new SessionEventKey(1, 2), new byte[] {2}); // re-sent: collapses
        events.pipeInput(new SessionEventKey(2, 1), new byte[] {9});
        TestInputTopic<Long, CommandResult> results = driver.createInputTopic(Topics.COMMAND_RESULTS.name(),
                Serdes.Long().serializer(), Topics.COMMAND_RESULTS.valueSerde().serializer());
        results.pipeInput(1L, CommandResult.newBuilder().setCommandId("c-1").setSessionId(1).setOutcome(CommandOutcome.APPLIED)
                .setCommandType("CancelSession").setDecidedAt(T0).build());
        results.pipeInput(1L, CommandResult.newBuilder().setCommandId("c-1").setSessionId(1).setOutcome(CommandOutcome.DUPLICATE)
                .setCommandType("CancelSession").setDecidedAt(T0).build());

        KeyValueStore<Bytes, byte[]> timeline = driver.getKeyValueStore(ViewTopology.TIMELINE);
        List<String> kinds = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timeline.range(Bytes.wrap(ViewKeys.timelineFrom(1)), Bytes.wrap(ViewKeys.timelineTo(1)))) {
            it.forEachRemaining(kv -> kinds.add((char) ViewKeys.kindOf(kv.key.get()) + ":" + ViewKeys.sessionOf(kv.key.get())));
        }
        assertThat(kinds).as("session 1 only: two events, both answers").containsExactly("C:1", "C:1", "E:1", "E:1");
    }

    @Test
    void a_terminal_session_leaves_every_view_after_the_retention_and_a_newer_change_keeps_it() {
        TestInputTopic<SessionEventKey, byte[]> events = driver.createInputTopic(Topics.SESSION_EVENTS.name(),
                SessionEventKey.serde().serializer(), Serdes.ByteArray().serializer());
        states.pipeInput(1L, state(1, 7, "OLD", SessionStatus.PAID, 3, T0, T0));
        events.pipeInput(new SessionEventKey(1, 1), new byte[] {1});
        states.pipeInput(2L, state(2, 7, "OPEN", SessionStatus.PENDING, 2, T0, T0));
        states.pipeInput(3L, state(3, 7, "CHANGED", SessionStatus.PAID, 3, T0, T0));

        now.set(T0.plus(RETENTION).minusSeconds(3600));
        states.pipeInput(3L, state(3, 7, "CHANGED", SessionStatus.REFUNDED, 5, T0, now.get())); // refunded later: its clock restarts
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(sessions().get(1L)).as("not old enough yet").isNotNull();

        now.set(T0.plus(RETENTION).plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofMinutes(10));

        assertThat(sessions().get(1L)).as("paid, unchanged for 90 days: retired").isNull();
        assertThat(orderSession(7, "OLD")).isNull();
        assertThat(merchantList(7)).containsExactlyInAnyOrder(2L, 3L);
        KeyValueStore<Bytes, byte[]> timeline = driver.getKeyValueStore(ViewTopology.TIMELINE);
        try (KeyValueIterator<Bytes, byte[]> it = timeline.range(Bytes.wrap(ViewKeys.timelineFrom(1)), Bytes.wrap(ViewKeys.timelineTo(1)))) {
            assertThat(it.hasNext()).as("its timeline went with it").isFalse();
        }
        assertThat(sessions().get(2L)).as("pending: never retired").isNotNull();
        assertThat(sessions().get(3L)).as("changed 89 days ago: stays").isNotNull();
        assertThat(count(SessionStatus.PAID)).isZero();
        assertThat(count(SessionStatus.REFUNDED)).isEqualTo(1);

        now.set(T0.plus(RETENTION).plus(RETENTION));
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(sessions().get(3L)).isNull();
        assertThat(merchantList(7)).containsExactly(2L);
    }

    private List<Long> lookup(byte[] sample) {
        return SessionLookups.decode(SessionLookups.scan(driver.<Bytes, byte[]>getKeyValueStore(SessionLookups.STORE), sample)).stream()
                .map(SessionLookups.Found::sessionId).toList();
    }

    @Test
    void every_session_of_an_order_and_of_an_email_is_found_by_its_blind_index_until_it_retires() {
        states.pipeInput(1L, SessionState.newBuilder(state(1, 7, "A-1", SessionStatus.FAILED, 3, T0, T0)).setCustomerEmail("Buyer@Example.com ").build());
        states.pipeInput(2L, SessionState.newBuilder(state(2, 7, "A-1", SessionStatus.PENDING, 2, T0.plusSeconds(5), T0)).setCustomerEmail("buyer@example.com").build());
        states.pipeInput(3L, SessionState.newBuilder(state(3, 8, "A-1", SessionStatus.PAID, 3, T0, T0)).setCustomerEmail("buyer@example.com").build());
        states.pipeInput(4L, state(4, 7, "A-10", SessionStatus.CREATED, 1, T0, T0));
        states.pipeInput(2L, SessionState.newBuilder(state(2, 7, "A-1", SessionStatus.PAID, 3, T0.plusSeconds(5), T0)).setCustomerEmail("buyer@example.com").build());

        assertThat(lookup(ViewKeys.orderLookup(7, "A-1", 0))).as("both sessions of merchant 7's order, not merchant 8's, not A-10").containsExactly(1L, 2L);
        assertThat(lookup(ViewKeys.orderLookup(7, "A-10", 0))).containsExactly(4L);
        assertThat(lookup(ViewKeys.emailLookup(EMAILS.of("BUYER@example.com"), 0))).as("case and spaces do not matter")
                .containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(lookup(ViewKeys.emailLookup(EMAILS.of("other@example.com"), 0))).isEmpty();
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(SessionLookups.STORE);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(kv -> assertThat(new String(kv.key.get(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("the index holds no address").doesNotContainIgnoringCase("buyer"));
        }
        assertThat(EMAILS.of("buyer@example.com")).isNotEqualTo(new BlindIndex(new byte[] {1}).of("buyer@example.com"));

        now.set(T0.plus(RETENTION).plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofMinutes(10));
        assertThat(lookup(ViewKeys.orderLookup(7, "A-1", 0))).as("retired with the sessions").isEmpty();
        assertThat(lookup(ViewKeys.emailLookup(EMAILS.of("buyer@example.com"), 0))).isEmpty();
        assertThat(lookup(ViewKeys.orderLookup(7, "A-10", 0))).as("created: never retired").containsExactly(4L);
    }
}
