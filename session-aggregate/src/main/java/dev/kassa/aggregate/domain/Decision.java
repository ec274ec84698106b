package dev.kassa.aggregate.domain;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.List;

/**
 * What the transition table decided for one command: events to append, or why there are none. The decider knows
 * nothing of the log; whoever appends the events gives them their envelope ({@link Envelope}) and folds them.
 */
public sealed interface Decision {

    /** One event the command causes, before its envelope: the status the session is in after it, and what happened. */
    record Change(SessionStatus status, Object payload) {
    }

    /**
     * The command is accepted: these events, in order. {@code commandDigest} is the command's digest, computed once
     * for the duplicate check and recorded in each event's cause (so a later copy of the command is recognised).
     */
    record Accepted(List<Change> changes, String commandDigest) implements Decision {
        public Accepted {
            changes = List.copyOf(changes);
        }
    }

    /** The command was applied before (same id, same payload), or reports what already happened: nothing changes. */
    record Duplicate(String reason) implements Decision {
    }

    /** Not allowed in the session's state, or not valid at all: nothing changes; {@code code} is a stable error code. */
    record Rejected(ErrorCode code, String message) implements Decision {
    }

    /** Suspicious and recorded for a person (an id reused with another payload, a second payment): nothing changes. */
    record Flagged(ErrorCode code, String message) implements Decision {
    }
}
