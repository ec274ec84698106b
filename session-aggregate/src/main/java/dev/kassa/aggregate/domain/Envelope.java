package dev.kassa.aggregate.domain;

import dev.kassa.aggregate.domain.Decision.Accepted;
import dev.kassa.aggregate.domain.Decision.Change;
import dev.kassa.model.SessionFold;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The storage side of an accepted command, kept out of the decider: each change gets its envelope (event id, the next
 * sequence number, the previous status, the time and cause from the command) and is folded with
 * {@link SessionFold#evolve}, once. The aggregate's processor appends what this gives; the tests drive the same.
 */
public record Envelope(List<SessionEvent> events, List<SessionState> states) {

    public Envelope {
        events = List.copyOf(events);
        states = List.copyOf(states);
    }

    /** The session after the last event. */
    public SessionState state() {
        return states.get(states.size() - 1);
    }

    /** The events of {@code accepted}, each in its envelope, and the state after each of them. */
    public static Envelope append(SessionState before, SessionCommand command, Accepted accepted) {
        EventCause cause = new EventCause(command.getCommandId(), command.getPayload().getClass().getSimpleName(),
                command.getActor(), accepted.commandDigest());
        List<SessionEvent> events = new ArrayList<>(accepted.changes().size());
        List<SessionState> states = new ArrayList<>(accepted.changes().size());
        SessionState current = before;
        for (Change change : accepted.changes()) {
            long sequence = current == null ? 1 : current.getSequence() + 1;
            SessionStatus previous = current == null ? null : current.getStatus();
            SessionEvent event = SessionEvent.newBuilder()
                    .setEventId("evt_" + command.getSessionId() + "_" + sequence)
                    .setSessionId(command.getSessionId())
                    .setMerchantId(current == null ? command.getMerchantId() : current.getMerchantId())
                    .setSequence(sequence)
                    .setOccurredAt(command.getIssuedAt())
                    .setStatus(change.status())
                    .setPreviousStatus(previous)
                    .setCause(cause)
                    .setPayload(change.payload())
                    .build();
            current = SessionFold.evolve(current, event);
            events.add(event);
            states.add(current);
        }
        return new Envelope(events, states);
    }
}
