package dev.kassa.log;

import dev.kassa.model.SessionFold;
import dev.kassa.model.WebhookPayload;
import dev.kassa.model.WebhookTypes;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the webhooks an operator asked to send again — one event, one session, or a time range — from the event
 * log, and rebuilds each body exactly as first sent: the same pure function over the same fold. The one pipeline
 * behind {@code kassa redeliver} and {@code POST /admin/webhooks/redeliver}; each then writes the requests to
 * {@link Topics#WEBHOOK_REDELIVERIES} with its own producer.
 */
public final class Redeliveries {

    private static final Pattern EVENT_ID = Pattern.compile("evt_(\\d{1,19})_\\d{1,19}");

    private Redeliveries() {
    }

    /**
     * What to send again: {@code sessionId} and/or {@code eventId}, or events whose time is in [{@code from}, {@code to});
     * narrowed, when given, to one merchant's events ({@code merchantId}) and to events that moved a session to
     * {@code status} (e.g. every {@code paid} webhook of one merchant in an hour).
     */
    public record Selection(Long sessionId, String eventId, Instant from, Instant to, String endpointId, Long merchantId,
                            SessionStatus status) {

        /** To the merchant's first endpoint (what a redelivery meant before endpoints). */
        public Selection(Long sessionId, String eventId, Instant from, Instant to) {
            this(sessionId, eventId, from, to, null);
        }

        /** Of any merchant, in any status. */
        public Selection(Long sessionId, String eventId, Instant from, Instant to, String endpointId) {
            this(sessionId, eventId, from, to, endpointId, null, null);
        }

        public Selection {
            if (sessionId == null && eventId == null && (from == null || to == null)) {
                throw new IllegalArgumentException("name a session, an event, or a time range (--from and --to)");
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw new IllegalArgumentException("--from must be before --to");
            }
        }

        /** The session whose partition holds every selected event, when the selection names one (an event id names its session). */
        public Long session() {
            if (sessionId != null) {
                return sessionId;
            }
            Matcher m = eventId == null ? null : EVENT_ID.matcher(eventId);
            if (m != null && m.matches()) {
                try {
                    return Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    return null; // more than a long: no session has that id, the whole log is read and nothing matches
                }
            }
            return null;
        }

        boolean matches(SessionEvent event) {
            if (sessionId != null && event.getSessionId() != sessionId) {
                return false;
            }
            if (eventId != null && !eventId.equals(event.getEventId())) {
                return false;
            }
            if (merchantId != null && event.getMerchantId() != merchantId) {
                return false;
            }
            if (status != null && event.getStatus() != status) {
                return false;
            }
            if (from != null && event.getOccurredAt().isBefore(from)) {
                return false;
            }
            return to == null || event.getOccurredAt().isBefore(to);
        }
    }

    /**
     * Reads what the selection needs from the log — one partition when it names a session or an event, else the
     * whole topic — and returns one request per selected event.
     */
    public static List<RedeliveryRequest> fromLog(KafkaAccess access, Selection selection, String requestedBy, Instant now) {
        List<SessionEvent> log = new ArrayList<>();
        Long session = selection.session();
        if (session != null) {
            EventLogReplay.readSessionPartition(access, Topics.SESSION_EVENTS.name(), session,
                    Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null && e.getSessionId() == session) {
                            log.add(e);
                        }
                    });
        } else {
            EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                    Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null) {
                            log.add(e);
                        }
                    });
        }
        return select(log, selection, requestedBy, now);
    }

    /**
     * Folds the log (in topic order, per session in sequence) and returns one request per selected event. An event
     * after a gap in its session is not rebuilt: its body would be made from a state that misses events.
     */
    public static List<RedeliveryRequest> select(Iterable<SessionEvent> log, Selection selection, String requestedBy, Instant now) {
        SessionFold.LogFold fold = new SessionFold.LogFold();
        List<RedeliveryRequest> requests = new ArrayList<>();
        for (SessionEvent event : log) {
            // An event that announced nothing (a refund's reservation) had no webhook, so it has none to send again.
            if (fold.accept(event) instanceof SessionFold.Folded folded && selection.matches(event) && WebhookTypes.of(event) != null) {
                requests.add(new RedeliveryRequest("redeliver-" + event.getEventId() + "-" + now.toEpochMilli(), event.getEventId(),
                        event.getSessionId(), event.getMerchantId(), event.getSequence(),
                        ByteBuffer.wrap(WebhookPayload.body(event, folded.after())), now, requestedBy, selection.endpointId()));
            }
        }
        return requests;
    }
}
