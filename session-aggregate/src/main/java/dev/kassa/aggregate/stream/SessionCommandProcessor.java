package dev.kassa.aggregate.stream;

import dev.kassa.aggregate.domain.Decision.Accepted;
import dev.kassa.aggregate.domain.Decision.Duplicate;
import dev.kassa.aggregate.domain.Decision.Flagged;
import dev.kassa.aggregate.domain.Decision.Rejected;
import dev.kassa.aggregate.domain.Decision;
import dev.kassa.aggregate.domain.Envelope;
import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.PaymentEvents;
import dev.kassa.observability.LogContext;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.ExpireSession;
import dev.kassa.schemas.avro.PaymentEvent;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka shell around {@link SessionTransitions}: reads state, asks for a decision, writes what it says. */
final class SessionCommandProcessor implements Processor<Long, byte[], Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCommandProcessor.class);
    static final ErrorCode UNDECODABLE = ErrorCode.UNDECODABLE_COMMAND;
    static final ErrorCode KEY_MISMATCH = ErrorCode.KEY_MISMATCH;

    private final AggregateSettings settings;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, SessionState> sessions;
    private KeyValueStore<Bytes, Long> expiryIndex;

    SessionCommandProcessor(AggregateSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.sessions = context.getStateStore(SessionTopology.SESSIONS_STORE);
        this.expiryIndex = context.getStateStore(ExpiryIndex.STORE);
        context.schedule(settings.expiryScanInterval(), PunctuationType.WALL_CLOCK_TIME, now -> expireDue(Instant.ofEpochMilli(now)));
    }

    @Override
    public void process(Record<Long, byte[]> record) {
        SessionCommand command;
        try {
            command = (SessionCommand) Topics.SESSION_COMMANDS.valueSerde().deserializer().deserialize(Topics.SESSION_COMMANDS.name(), record.value());
        } catch (SerializationException | ClassCastException e) {
            // Logged once, answered once, never retried: a poison record must not stop the stream.
            LOG.warn("rejected an undecodable command for key {} ({} bytes): {}", record.key(),
                    record.value() == null ? 0 : record.value().length, e.getMessage());
            long session = record.key() == null ? -1 : record.key();
            AggregateMetrics.rejected(UNDECODABLE);
            forwardResult(new CommandResult("", session, "unknown", CommandOutcome.REJECTED, UNDECODABLE.code(),
                    "the command could not be decoded: " + e.getMessage(), null, null, Instant.ofEpochMilli(record.timestamp())),
                    record.timestamp());
            return;
        }
        if (command == null) {
            return; // a tombstone on the commands topic carries no command
        }
        if (record.key() == null || record.key() != command.getSessionId()) {
            AggregateMetrics.rejected(KEY_MISMATCH);
            forwardResult(result(command, CommandOutcome.REJECTED, KEY_MISMATCH, "the record key " + record.key()
                    + " is not the command's session_id " + command.getSessionId(), null), record.timestamp());
            return;
        }
        handle(command, record.timestamp());
    }

    private void handle(SessionCommand command, long timestamp) {
        SessionState before = sessions.get(command.getSessionId());
        Decision decision = SessionTransitions.decide(before, command);
        if (decision instanceof Accepted accepted) {
            // The decider said what happened; the envelope (ids, sequence numbers, cause) and the fold are added here.
            Envelope appended = Envelope.append(before, command, accepted);
            List<SessionEvent> events = appended.events();
            for (int i = 0; i < events.size(); i++) {
                SessionEvent event = events.get(i);
                AggregateMetrics.transition(event.getStatus());
                ProviderHealthMeters.record(event);
                context.forward(new Record<>(new SessionEventKey(event.getSessionId(), event.getSequence()), event,
                        event.getOccurredAt().toEpochMilli()), SessionTopology.EVENTS_SINK);
                // The public stream: the same transaction, so it holds exactly the events the log holds.
                PaymentEvent published = PaymentEvents.of(event, appended.states().get(i));
                if (published != null) {
                    context.forward(new Record<>(event.getSessionId(), published, event.getOccurredAt().toEpochMilli()),
                            SessionTopology.PAYMENT_EVENTS_SINK);
                }
            }
            SessionState after = appended.state();
            sessions.put(after.getSessionId(), after);
            updateExpiryIndex(before, after);
            context.forward(new Record<>(after.getSessionId(), after, timestamp), SessionTopology.STATE_SINK);
            forwardResult(result(command, CommandOutcome.APPLIED, null, null, after), timestamp);
        } else if (decision instanceof Duplicate duplicate) {
            forwardResult(result(command, CommandOutcome.DUPLICATE, null, duplicate.reason(), before), timestamp);
        } else if (decision instanceof Rejected rejected) {
            AggregateMetrics.rejected(rejected.code());
            forwardResult(result(command, CommandOutcome.REJECTED, rejected.code(), rejected.message(), before), timestamp);
        } else if (decision instanceof Flagged flagged) {
            AggregateMetrics.rejected(flagged.code());
            // Context only here, where something is logged: the MDC copies its map on every put (hot path).
            LogContext.run(() -> LOG.warn("flagged command {} on session {}: {}", command.getCommandId(),
                            command.getSessionId(), flagged.code()),
                    "session_id", Long.toString(command.getSessionId()), "merchant_id", Long.toString(command.getMerchantId()),
                    "command_id", command.getCommandId());
            forwardResult(result(command, CommandOutcome.FLAGGED, flagged.code(), flagged.message(), before), timestamp);
        }
    }

    private void updateExpiryIndex(SessionState before, SessionState after) {
        boolean wasExpirable = before != null && SessionTransitions.isExpirable(before.getStatus());
        boolean isExpirable = SessionTransitions.isExpirable(after.getStatus());
        if (isExpirable && !wasExpirable) {
            expiryIndex.put(ExpiryIndex.key(after.getExpiresAt(), after.getSessionId()), after.getSessionId());
        } else if (wasExpirable && !isExpirable) {
            expiryIndex.delete(ExpiryIndex.key(before.getExpiresAt(), before.getSessionId()));
        }
    }

    /** One pass over what is due: cost proportional to the due entries, bounded per pass. */
    private void expireDue(Instant now) {
        List<KeyValue<Bytes, Long>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = expiryIndex.range(ExpiryIndex.first(), ExpiryIndex.lastDueAt(now))) {
            while (it.hasNext() && due.size() < settings.maxExpiriesPerPass()) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, Long> entry : due) {
            long sessionId = entry.value;
            SessionState state = sessions.get(sessionId);
            if (state == null || !SessionTransitions.isExpirable(state.getStatus())) {
                expiryIndex.delete(entry.key); // stale entry: the session moved on
                continue;
            }
            Instant expiresAt = ExpiryIndex.expiresAt(entry.key);
            AggregateMetrics.expiryLag(Duration.between(expiresAt, now));
            // A deterministic id: re-running this pass after a crash is a duplicate, never a second expiry.
            SessionCommand expire = SessionCommand.newBuilder()
                    .setCommandId("expire-" + sessionId + "-" + expiresAt.toEpochMilli())
                    .setSessionId(sessionId)
                    .setMerchantId(state.getMerchantId())
                    .setIssuedAt(now)
                    .setActor("expiry")
                    .setPayload(new ExpireSession(expiresAt))
                    .build();
            handle(expire, now.toEpochMilli());
        }
    }

    private void forwardResult(CommandResult result, long timestamp) {
        context.forward(new Record<>(result.getSessionId(), result, timestamp), SessionTopology.RESULTS_SINK);
    }

    private static CommandResult result(SessionCommand command, CommandOutcome outcome, ErrorCode code, String message, SessionState state) {
        return CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setSessionId(command.getSessionId())
                .setCommandType(command.getPayload().getClass().getSimpleName())
                .setOutcome(outcome)
                .setErrorCode(code == null ? null : code.code())
                .setMessage(message)
                .setStatus(state == null ? null : state.getStatus())
                .setSequence(state == null ? null : state.getSequence())
                .setDecidedAt(command.getIssuedAt())
                .build();
    }
}
