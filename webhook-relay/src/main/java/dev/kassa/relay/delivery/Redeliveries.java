package dev.kassa.relay.delivery;

import dev.kassa.aggregate.domain.SessionFold;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the webhooks an operator asked to send again — one event, one session, or a time range — from the event
 * log, and rebuilds each body exactly as first sent: the same pure function over the same fold.
 */
public final class Redeliveries {

    private Redeliveries() {
    }

    /** What to send again: {@code sessionId} and/or {@code eventId}, or events whose time is in [{@code from}, {@code to}). */
    public record Selection(Long sessionId, String eventId, Instant from, Instant to) {

        public Selection {
            if (sessionId == null && eventId == null && (from == null || to == null)) {
                throw new IllegalArgumentException("name a session, an event, or a time range (--from and --to)");
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
        }

        boolean matches(SessionEvent event) {
            if (sessionId != null && event.getSessionId() != sessionId) {
                return false;
            }
            if (eventId != null && !eventId.equals(event.getEventId())) {
                return false;
            }
            if (from != null && event.getOccurredAt().isBefore(from)) {
                return false;
            }
            return to == null || event.getOccurredAt().isBefore(to);
        }
    }

    /** Folds the log (in topic order, per session in sequence) and returns one request per selected event. */
    public static List<RedeliveryRequest> select(Iterable<SessionEvent> log, Selection selection, String requestedBy, Instant now) {
        Map<Long, SessionState> states = new HashMap<>();
        List<RedeliveryRequest> requests = new ArrayList<>();
        for (SessionEvent event : log) {
            SessionState before = states.get(event.getSessionId());
            if (before != null && event.getSequence() <= before.getSequence()) {
                continue;
            }
            SessionState after = SessionFold.evolve(before, event);
            states.put(event.getSessionId(), after);
            if (selection.matches(event)) {
                requests.add(new RedeliveryRequest("redeliver-" + event.getEventId() + "-" + now.toEpochMilli(), event.getEventId(),
                        event.getSessionId(), event.getMerchantId(), event.getSequence(),
                        ByteBuffer.wrap(WebhookPayload.body(event, after)), now, requestedBy));
            }
        }
        return requests;
    }
}
