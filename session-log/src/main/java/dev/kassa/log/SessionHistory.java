package dev.kassa.log;

import dev.kassa.model.SessionFold;
import dev.kassa.model.SessionFold;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One session's timeline for ops: every event with the state after it, every command's outcome (applied,
 * duplicate, rejected, flagged), every webhook attempt; and the state as it was at any instant. Pure: the caller
 * reads the topics.
 */
public final class SessionHistory {

    private SessionHistory() {
    }

    /** Everything recorded about one session: its events, the aggregate's answers, the webhook attempts, the routing decisions. */
    public record SessionLog(List<SessionEvent> events, List<CommandResult> results, List<WebhookAttempt> attempts,
                             List<RoutingDecision> routes) {
    }

    /** Reads one session's log from the one partition of each topic that holds it. */
    public static SessionLog read(KafkaAccess access, long sessionId) {
        SessionLog log = new SessionLog(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        EventLogReplay.readSessionPartition(access, Topics.ROUTING_DECISIONS.name(), sessionId,
                Topics.ROUTING_DECISIONS.keySerde().deserializer(), Topics.ROUTING_DECISIONS.valueSerde().deserializer(),
                (k, d) -> {
                    if (d != null && d.getSessionId() == sessionId) {
                        log.routes().add(d);
                    }
                });
        EventLogReplay.readSessionPartition(access, Topics.SESSION_EVENTS.name(), sessionId,
                Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(),
                (k, e) -> {
                    if (e != null && e.getSessionId() == sessionId) {
                        log.events().add(e);
                    }
                });
        EventLogReplay.readSessionPartition(access, Topics.COMMAND_RESULTS.name(), sessionId,
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer(),
                (k, r) -> {
                    if (r != null && r.getSessionId() == sessionId) {
                        log.results().add(r);
                    }
                });
        EventLogReplay.readSessionPartition(access, Topics.WEBHOOK_ATTEMPTS.name(), sessionId,
                Topics.WEBHOOK_ATTEMPTS.keySerde().deserializer(), Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer(),
                (k, a) -> {
                    if (a != null && a.getSessionId() == sessionId) {
                        log.attempts().add(a);
                    }
                });
        return log;
    }

    /** One line of the timeline. {@code kind} is event, command or webhook; {@code status} the session's after it. */
    public record Entry(Instant at, String kind, String what, String detail, String status, Long sequence) {
    }

    public static List<Entry> timeline(List<SessionEvent> events, List<CommandResult> results, List<WebhookAttempt> attempts) {
        return timeline(events, results, attempts, List.of());
    }

    /** The operator's timeline: also every routing decision, with the candidates and why each was or was not eligible. */
    public static List<Entry> timeline(List<SessionEvent> events, List<CommandResult> results, List<WebhookAttempt> attempts,
                                       List<RoutingDecision> routes) {
        List<Entry> entries = new ArrayList<>();
        for (RoutingDecision d : routes) {
            String hint = d.getInputs().getMethodHint() != null ? d.getInputs().getMethodHint() : d.getInputs().getProviderHint();
            String candidates = d.getCandidates().stream().map(c -> c.getProvider() + (c.getEligible() ? "" : " (" + c.getReason() + ")"))
                    .collect(Collectors.joining(", "));
            entries.add(new Entry(d.getDecidedAt(), "route", (hint == null ? "no hint" : hint) + " -> "
                    + (d.getChosen() == null ? "buyer chooses" : d.getChosen()),
                    d.getReason() + (candidates.isEmpty() ? "" : "; candidates: " + candidates)
                            + (d.getInputs().getBuyerCountry() == null ? "" : "; buyer in " + d.getInputs().getBuyerCountry()),
                    null, null));
        }
        SessionState state = null;
        for (SessionEvent event : events) {
            SessionFold.Step step = SessionFold.next(state, event);
            if (step instanceof SessionFold.Gap gap) {
                entries.add(new Entry(event.getOccurredAt(), "event", "gap", gap.describe(), null, event.getSequence()));
                continue;
            }
            if (!(step instanceof SessionFold.Folded folded)) {
                continue; // a re-sent event: shown once
            }
            state = folded.after();
            String payload = event.getPayload().getClass().getSimpleName();
            String reason = reason(event);
            entries.add(new Entry(event.getOccurredAt(), "event",
                    (event.getPreviousStatus() == null ? "" : lower(event.getPreviousStatus().name()) + " -> ") + lower(event.getStatus().name()),
                    payload + " by " + event.getCause().getActor() + " (" + event.getCause().getCommandId() + ")"
                            + (reason == null ? "" : ", reason " + reason + detail(event)) + note(event)
                            + (state.getRefundedMinor() > 0 ? ", refunded " + state.getRefundedMinor() : "")
                            + (state.getLastError() != null && event.getStatus().name().equals("FAILED") ? ", " + state.getLastError() : ""),
                    lower(state.getStatus().name()), state.getSequence()));
        }
        for (CommandResult result : results) {
            if (result.getOutcome().name().equals("APPLIED")) {
                continue; // the event says it
            }
            entries.add(new Entry(result.getDecidedAt(), "command", lower(result.getOutcome().name()) + " " + result.getCommandType(),
                    result.getCommandId() + (result.getErrorCode() == null ? "" : ": " + result.getErrorCode())
                            + (result.getMessage() == null ? "" : " - " + result.getMessage()),
                    result.getStatus() == null ? null : lower(result.getStatus().name()), result.getSequence()));
        }
        for (WebhookAttempt attempt : attempts) {
            entries.add(new Entry(attempt.getAttemptedAt(), "webhook",
                    attempt.getEventId() + " attempt " + attempt.getAttempt() + (attempt.getRedelivery() ? " (redelivery)" : ""),
                    (attempt.getStatusCode() == null ? "no answer" : "HTTP " + attempt.getStatusCode())
                            + (attempt.getLatencyMs() == null ? "" : " in " + attempt.getLatencyMs() + " ms")
                            + " -> " + lower(attempt.getOutcome().name())
                            + (attempt.getError() == null ? "" : " (" + attempt.getError() + ")")
                            + (attempt.getNextAttemptAt() == null ? "" : ", next at " + attempt.getNextAttemptAt()),
                    null, attempt.getSequence()));
        }
        // Stable: at the same instant, events first, then what answered or followed them.
        entries.sort(Comparator.comparing(Entry::at).thenComparing(e -> switch (e.kind()) {
            case "route" -> 0;
            case "event" -> 1;
            case "command" -> 2;
            default -> 3;
        }));
        return entries;
    }

    /**
     * Why this step happened, in the words a merchant's support reads (SPEC.md's codes): the review reason
     * (amount_mismatch, paid_after_grace, ...), the failure code, or where a refund stands. Null for other events.
     */
    public static String reason(SessionEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof ReviewOpened review) {
            return review.getReason();
        }
        if (payload instanceof PaymentFailed failed) {
            return failed.getFailureCode();
        }
        if (payload instanceof RefundRecorded refund) {
            return "refund_" + lower(refund.getPhase().name());
        }
        return null;
    }

    /** A person's words on the step: the note of a review they resolved (approved, rejected, refunded), or a refund's reason. */
    private static String note(SessionEvent event) {
        String note = null;
        if (event.getPayload() instanceof PaymentSucceeded paid) {
            note = paid.getNote();
        } else if (event.getPayload() instanceof PaymentFailed failed && "review_rejected".equals(failed.getFailureCode())) {
            note = failed.getFailureMessage();
        } else if (event.getPayload() instanceof RefundRecorded refund && refund.getPhase() == RefundPhase.RESERVED) {
            note = refund.getReason();
        }
        return note == null ? "" : ", note: " + note;
    }

    private static String detail(SessionEvent event) {
        if (event.getPayload() instanceof ReviewOpened review && review.getDetail() != null) {
            return " (" + review.getDetail() + ")";
        }
        if (event.getPayload() instanceof RefundRecorded refund) {
            return " (" + refund.getRefundId() + ", " + refund.getAmountMinor() + " minor units"
                    + (refund.getProviderRefundId() == null ? "" : ", provider refund " + refund.getProviderRefundId()) + ")";
        }
        return "";
    }

    /** The session as it was at {@code at}: its events up to and including that instant, folded; null before it existed. */
    public static SessionState stateAt(List<SessionEvent> events, Instant at) {
        SessionState state = null;
        for (SessionEvent event : events) {
            if (event.getOccurredAt().isAfter(at)) {
                break;
            }
            if (SessionFold.next(state, event) instanceof SessionFold.Folded folded) {
                state = folded.after();
            }
        }
        return state;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
