package dev.kassa.aggregate.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.model.SessionFold;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.kassa.aggregate.domain.Commands;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.LatePaymentPolicy;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The aggregate under {@link TopologyTestDriver}, driven in the payment domain's words. */
final class SessionDriver implements AutoCloseable {

    private final TopologyTestDriver driver;
    private final TestInputTopic<Long, SessionCommand> commands;
    private final TestInputTopic<Long, byte[]> rawCommands;
    private final TestOutputTopic<SessionEventKey, SessionEvent> events;
    private final TestOutputTopic<Long, SessionState> states;
    private final TestOutputTopic<Long, CommandResult> results;
    private final List<SessionEvent> eventLog = new ArrayList<>();
    private final List<CommandResult> resultLog = new ArrayList<>();
    private Instant now;

    SessionDriver(Instant start) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kassa-aggregate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(SessionTopology.build(new AggregateSettings(Duration.ofMillis(250), 1000)), props, start);
        now = start;
        commands = driver.createInputTopic(Topics.SESSION_COMMANDS.name(), Serdes.Long().serializer(),
                Topics.SESSION_COMMANDS.valueSerde().serializer());
        rawCommands = driver.createInputTopic(Topics.SESSION_COMMANDS.name(), Serdes.Long().serializer(), Serdes.ByteArray().serializer());
        events = driver.createOutputTopic(Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer());
        states = driver.createOutputTopic(Topics.SESSION_STATE.name(), Topics.SESSION_STATE.keySerde().deserializer(),
                Topics.SESSION_STATE.valueSerde().deserializer());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().deserializer(),
                Topics.COMMAND_RESULTS.valueSerde().deserializer());
    }

    Instant now() {
        return now;
    }

    // --- given / when -------------------------------------------------------------------------------------------

    /**
     * A session that already lived through {@code history} (its events, in order), as the aggregate's store would
     * hold it after a restore: the state the events fold to, and its expiry entry while it can expire. A test then
     * starts from any point of a session's life without replaying the commands that led there.
     */
    SessionDriver given(SessionEvent... history) {
        SessionFold.LogFold fold = SessionFold.foldFromLog(List.of(history));
        if (!fold.gaps().isEmpty()) {
            throw new IllegalArgumentException("the given history has a gap: " + fold.gaps().get(0).describe());
        }
        KeyValueStore<Long, SessionState> sessions = driver.getKeyValueStore(SessionTopology.SESSIONS_STORE);
        KeyValueStore<Bytes, Long> expiry = driver.getKeyValueStore(ExpiryIndex.STORE);
        fold.states().forEach((id, state) -> {
            sessions.put(id, state);
            if (SessionTransitions.isExpirable(state.getStatus())) {
                expiry.put(ExpiryIndex.key(state.getExpiresAt(), id), id);
            }
        });
        eventLog.addAll(List.of(history));
        return this;
    }

    SessionDriver send(SessionCommand command) {
        commands.pipeInput(command.getSessionId(), command, now);
        drain();
        return this;
    }

    SessionDriver create(String id, long session) {
        return send(Commands.create(id, session, now));
    }

    SessionDriver create(String id, long session, LatePaymentPolicy policy) {
        return send(Commands.create(id, session, now, policy));
    }

    SessionDriver startAttempt(String id, long session, String attempt) {
        return send(Commands.startAttempt(id, session, now, attempt));
    }

    SessionDriver providerReports(String id, long session, String providerStatus) {
        return send(Commands.report(id, session, now, providerStatus));
    }

    /** A report from {@code attempt}, right in every other part. */
    SessionDriver providerReportsFor(String id, long session, String providerStatus, String attempt) {
        return send(Commands.reportFor(id, session, now, providerStatus, attempt));
    }

    /** The connector's answer for a reserved refund. */
    SessionDriver settleRefund(String id, long session, String refundId, boolean accepted) {
        return send(Commands.settle(id, refundId, session, now, accepted));
    }

    SessionDriver cancel(String id, long session) {
        return send(Commands.cancel(id, session, now));
    }

    SessionDriver refund(String id, long session, Long amountMinor) {
        return send(Commands.refund(id, session, now, amountMinor));
    }

    SessionDriver resolve(String id, long session, ReviewResolution resolution) {
        return send(Commands.resolve(id, session, now, resolution));
    }

    /** A payment-link command, as the gateway writes it to kassa.payment-link-commands. */
    SessionDriver link(dev.kassa.schemas.avro.PaymentLinkCommand command) {
        driver.createInputTopic(Topics.PAYMENT_LINK_COMMANDS.name(), Serdes.String().serializer(), Topics.PAYMENT_LINK_COMMANDS.valueSerde().serializer())
                .pipeInput(command.getLinkId(), command, now);
        return this;
    }

    SessionDriver sendRaw(long key, byte[] bytes) {
        rawCommands.pipeInput(key, bytes, now);
        drain();
        return this;
    }

    /** Moves the wall clock (and the commands' clock): the expiry punctuator runs for every 250 ms passed. */
    SessionDriver advance(Duration duration) {
        now = now.plus(duration);
        driver.advanceWallClockTime(duration);
        drain();
        return this;
    }

    // --- then ---------------------------------------------------------------------------------------------------

    List<SessionEvent> events(long session) {
        return eventLog.stream().filter(e -> e.getSessionId() == session).toList();
    }

    SessionDriver expectStatuses(long session, SessionStatus... statuses) {
        assertThat(events(session)).extracting(SessionEvent::getStatus).containsExactly(statuses);
        List<Long> sequences = events(session).stream().map(SessionEvent::getSequence).toList();
        for (int i = 0; i < sequences.size(); i++) {
            assertThat(sequences.get(i)).as("sequence is gapless").isEqualTo(i + 1L);
        }
        return this;
    }

    SessionState state(long session) {
        return driver.<Long, SessionState>getKeyValueStore(SessionTopology.SESSIONS_STORE).get(session);
    }

    CommandResult result(String commandId) {
        return resultLog.stream().filter(r -> r.getCommandId().equals(commandId)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result for " + commandId + " in " + resultLog));
    }

    List<CommandResult> results() {
        return List.copyOf(resultLog);
    }

    /** The latest state per session as written to the state topic. */
    Map<Long, SessionState> stateTopic() {
        return stateTopicLatest;
    }

    private final Map<Long, SessionState> stateTopicLatest = new java.util.HashMap<>();

    private void drain() {
        events.readValuesToList().forEach(eventLog::add);
        states.readKeyValuesToList().forEach(kv -> stateTopicLatest.put(kv.key, kv.value));
        resultLog.addAll(results.readValuesToList());
    }

    List<SessionEvent> allEvents() {
        return List.copyOf(eventLog);
    }

    @Override
    public void close() {
        driver.close();
    }
}
