package dev.kassa.aggregate.domain;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.util.List;

/** What the transition table decided for one command. Nothing but {@link Applied} changes anything. */
public sealed interface Decision {

    /** The command applied: these events, in order, and the state they fold into. */
    record Applied(List<SessionEvent> events, SessionState state) implements Decision {
        public Applied {
            events = List.copyOf(events);
        }
    }

    /** The command was applied before (same id, same payload), or reports what already happened: nothing changes. */
    record Duplicate(SessionState state, String reason) implements Decision {
    }

    /** Not allowed in the session's state, or not valid at all: nothing changes; {@code code} is a stable error code. */
    record Rejected(ErrorCode code, String message, SessionState state) implements Decision {
    }

    /** Suspicious and recorded for a person (an id reused with another payload, a second payment): nothing changes. */
    record Flagged(ErrorCode code, String message, SessionState state) implements Decision {
    }
}
