package dev.kassa.aggregate.app;

import dev.kassa.schemas.avro.SessionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compares the state rebuilt from the event log with the state topic. The events are read before the state, so a
 * session that moved on in between shows a newer sequence on the state topic: that is counted as in flight, not
 * as a mismatch. Anything else that differs is a mismatch.
 */
public final class ReplayVerification {

    private ReplayVerification() {
    }

    /** The outcome: sessions compared, sessions that moved on while reading, and one line per mismatch. */
    public record Report(int checked, int inFlight, List<String> mismatches) {
        public boolean ok() {
            return mismatches.isEmpty();
        }
    }

    public static Report compare(Map<Long, SessionState> replayed, Map<Long, SessionState> published) {
        List<String> mismatches = new ArrayList<>();
        int inFlight = 0;
        TreeSet<Long> sessions = new TreeSet<>(replayed.keySet());
        sessions.addAll(published.keySet());
        for (long session : sessions) {
            SessionState fromEvents = replayed.get(session);
            SessionState fromState = published.get(session);
            if (fromEvents == null) {
                mismatches.add("session " + session + ": on the state topic (sequence " + fromState.getSequence() + ") but has no events");
            } else if (fromState == null) {
                mismatches.add("session " + session + ": has events up to sequence " + fromEvents.getSequence() + " but no state record");
            } else if (fromState.getSequence() > fromEvents.getSequence()) {
                inFlight++;
            } else if (!fromState.equals(fromEvents)) {
                mismatches.add("session " + session + " at sequence " + fromEvents.getSequence() + ": " + differences(fromEvents, fromState));
            }
        }
        return new Report(sessions.size(), inFlight, mismatches);
    }

    private static String differences(SessionState expected, SessionState actual) {
        List<String> fields = new ArrayList<>();
        for (var field : expected.getSchema().getFields()) {
            Object e = expected.get(field.pos());
            Object a = actual.get(field.pos());
            if (e == null ? a != null : !e.equals(a)) {
                fields.add(field.name() + " is " + a + ", the events say " + e);
            }
        }
        return String.join("; ", fields);
    }
}
