package dev.kassa.model;

import dev.kassa.schemas.avro.AppliedCommand;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.PaymentAttempt;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds events into state: the only way state is made, both live and in replay, so that the same events
 * always give the same state.
 */
public final class SessionFold {

    /**
     * How many applied command ids a session remembers for idempotency. A session sees a handful of commands in
     * its life; 64 covers retries of every one of them. Older ids fall out, oldest first.
     */
    public static final int RECENT_COMMANDS_KEPT = 64;

    private SessionFold() {
    }

    /** The state after {@code event}; {@code before} is null for the session's first event. */
    public static SessionState evolve(SessionState before, SessionEvent event) {
        if (event.getPayload() instanceof SessionCreated created) {
            return SessionState.newBuilder()
                    .setSessionId(event.getSessionId())
                    .setMerchantId(event.getMerchantId())
                    .setOrderId(created.getOrderId())
                    .setStatus(SessionStatus.CREATED)
                    .setAmountMinor(created.getAmountMinor())
                    .setCurrency(created.getCurrency())
                    .setShopDomain(created.getShopDomain())
                    .setCustomerEmail(created.getCustomerEmail())
                    .setReturnUrl(created.getReturnUrl())
                    .setCancelUrl(created.getCancelUrl())
                    .setMetaJson(created.getMetaJson())
                    .setCreatedAt(event.getOccurredAt())
                    .setExpiresAt(created.getExpiresAt())
                    .setGraceSeconds(created.getGraceSeconds())
                    .setLatePaymentPolicy(created.getLatePaymentPolicy())
                    .setUpdatedAt(event.getOccurredAt())
                    .setSequence(event.getSequence())
                    .setMethodHint(created.getMethodHint())
                    .setProviderHint(created.getProviderHint())
                    .setSelectedProvider(created.getSelectedProvider())
                    .setDescription(created.getDescription())
                    .setLineItems(created.getLineItems())
                    .setCollect(created.getCollect())
                    .setCustomFields(created.getCustomFields())
                    .setReferences(new HashMap<>())
                    .setRecentCommands(remember(List.of(), event.getCause()))
                    .build();
        }
        if (before == null) {
            throw new IllegalArgumentException("event " + event.getEventId() + " of session " + event.getSessionId()
                    + " has no session to apply to: the log is missing its created event");
        }
        SessionState.Builder next = SessionState.newBuilder(before)
                .setStatus(event.getStatus())
                .setSequence(event.getSequence())
                .setUpdatedAt(event.getOccurredAt())
                .setRecentCommands(remember(before.getRecentCommands(), event.getCause()));
        Object payload = event.getPayload();
        if (payload instanceof PaymentPending pending) {
            if (pending.getAttemptId() != null && !pending.getAttemptId().equals(before.getAttemptId())) {
                next.setAttemptId(pending.getAttemptId()).setAttemptCount(before.getAttemptCount() + 1);
            }
            if (pending.getAttemptId() != null && pending.getProvider() != null
                    && before.getAttempts().stream().noneMatch(a -> a.getAttemptId().equals(pending.getAttemptId()))) {
                List<PaymentAttempt> attempts = new ArrayList<>(before.getAttempts());
                attempts.add(new PaymentAttempt(pending.getAttemptId(), pending.getMethod(), pending.getProvider(),
                        pending.getProviderPaymentId(), event.getOccurredAt()));
                next.setAttempts(attempts);
            }
            if (pending.getPayer() != null) {
                next.setPayer(pending.getPayer()); // the latest answers: a retry after a decline starts from them
            }
            if (pending.getMethod() != null) {
                next.setMethod(pending.getMethod());
            }
            if (pending.getProvider() != null) {
                next.setProvider(pending.getProvider());
            }
            if (pending.getProviderPaymentId() != null) {
                next.setProviderPaymentId(pending.getProviderPaymentId());
            }
            next.setNextAction(pending.getNextAction());
        } else if (payload instanceof PaymentSucceeded paid) {
            Map<String, String> references = new HashMap<>(before.getReferences());
            references.putAll(paid.getReferences());
            next.setProvider(paid.getProvider())
                    .setPaidAmountMinor(paid.getAmountMinor())
                    .setPaidCurrency(paid.getCurrency())
                    .setReferences(references)
                    .setLate(paid.getLate())
                    .setNextAction(null)
                    .setLastError(null);
            if (paid.getProviderPaymentId() != null) {
                next.setProviderPaymentId(paid.getProviderPaymentId());
            }
        } else if (payload instanceof PaymentFailed failed) {
            String error = failed.getFailureCode() == null ? "failed"
                    : failed.getFailureCode() + (failed.getFailureMessage() == null ? "" : ": " + failed.getFailureMessage());
            next.setLastError(error).setNextAction(null);
            if (failed.getProvider() != null) {
                next.setProvider(failed.getProvider());
            }
        } else if (payload instanceof ReviewOpened review) {
            next.setReviewReason(review.getReason()).setReviewMoneyReceived(review.getPaymentReported());
            if (review.getAmountMinor() != null) {
                // What the provider reported as received: what a refund may give back, and what an approval pays.
                next.setPaidAmountMinor(review.getAmountMinor())
                        .setPaidCurrency(review.getCurrency() != null ? review.getCurrency() : before.getCurrency());
            }
            if (review.getProvider() != null) {
                next.setProvider(review.getProvider());
            }
        } else if (payload instanceof RefundRecorded refund) {
            next.setRefundedMinor(refund.getTotalRefundedMinor()).setRefunds(refunds(before.getRefunds(), refund));
        }
        return next.build();
    }

    /** Folds a session's events in order, from nothing. */
    public static SessionState replay(List<SessionEvent> events) {
        SessionState state = null;
        for (SessionEvent event : events) {
            state = evolve(state, event);
        }
        return state;
    }

    /** What one event read from the log does to the state folded so far ({@link #next}). */
    public sealed interface Step permits Folded, Repeated, Gap {
    }

    /** The event was the next one of its session: {@code after} is the state it gives. */
    public record Folded(SessionState after) implements Step {
    }

    /** The event was folded before (a re-sent event collapses onto itself): nothing changes. */
    public record Repeated(long sessionId, long sequence) implements Step {
    }

    /**
     * The event is not the next one of its session: one or more events are missing from the log (or the created
     * event is). Never folded over, since a state built across a hole could count money wrongly; every reader
     * reports it in these words and decides what a hole means for it (a replay fails, a history shows it, the relay
     * skips the event and logs it).
     */
    public record Gap(long sessionId, long expected, long found, String eventId) implements Step {
        public String describe() {
            return "session " + sessionId + " jumps from sequence " + (expected - 1) + " to " + found + " (event " + eventId
                    + "): the log is missing " + (expected == 1 ? "the session's created event" : "sequence " + expected
                    + (found > expected + 1 ? " to " + (found - 1) : ""));
        }
    }

    /**
     * The one rule for reading the log, used by every reader (replay, history, redelivery, the relay): an event with
     * the next sequence is folded, an older one is a repeat, a later one is a gap.
     */
    public static Step next(SessionState before, SessionEvent event) {
        long expected = before == null ? 1 : before.getSequence() + 1;
        if (event.getSequence() < expected) {
            return new Repeated(event.getSessionId(), event.getSequence());
        }
        if (event.getSequence() != expected || (before == null && !(event.getPayload() instanceof SessionCreated))) {
            return new Gap(event.getSessionId(), expected, event.getSequence(), event.getEventId());
        }
        return new Folded(evolve(before, event));
    }

    /** Folds a log of many sessions' events (each session's in sequence order) and keeps every gap it met. */
    public static LogFold foldFromLog(Iterable<SessionEvent> log) {
        LogFold fold = new LogFold();
        for (SessionEvent event : log) {
            fold.accept(event);
        }
        return fold;
    }

    /** The states of a log read so far, and the gaps met on the way; fed one event at a time by {@link #accept}. */
    public static final class LogFold {
        private final Map<Long, SessionState> states = new HashMap<>();
        private final List<Gap> gaps = new ArrayList<>();

        /** Applies {@link #next} to the session's state so far; erased events (null) are passed over. */
        public Step accept(SessionEvent event) {
            if (event == null) {
                return null;
            }
            Step step = next(states.get(event.getSessionId()), event);
            if (step instanceof Folded folded) {
                states.put(event.getSessionId(), folded.after());
            } else if (step instanceof Gap gap) {
                gaps.add(gap);
            }
            return step;
        }

        public Map<Long, SessionState> states() {
            return states;
        }

        public List<Gap> gaps() {
            return gaps;
        }
    }

    /** The refund list after {@code refund}: a reservation is added, a confirmation or refusal settles its entry. */
    private static List<RefundEntry> refunds(List<RefundEntry> before, RefundRecorded refund) {
        List<RefundEntry> after = new ArrayList<>(before.size() + 1);
        boolean found = false;
        for (RefundEntry entry : before) {
            if (entry.getRefundId().equals(refund.getRefundId())) {
                found = true;
                after.add(new RefundEntry(entry.getRefundId(), entry.getAmountMinor(), refund.getPhase(),
                        refund.getProviderRefundId() != null ? refund.getProviderRefundId() : entry.getProviderRefundId(),
                        refund.getReason() != null ? refund.getReason() : entry.getReason(),
                        refund.getMerchantRefundId() != null ? refund.getMerchantRefundId() : entry.getMerchantRefundId()));
            } else {
                after.add(entry);
            }
        }
        if (!found) {
            after.add(new RefundEntry(refund.getRefundId(), refund.getAmountMinor(), refund.getPhase(), refund.getProviderRefundId(),
                    refund.getReason(), refund.getMerchantRefundId()));
        }
        return after;
    }

    private static List<AppliedCommand> remember(List<AppliedCommand> recent, EventCause cause) {
        if (!recent.isEmpty() && recent.get(recent.size() - 1).getCommandId().equals(cause.getCommandId())) {
            return recent; // one command, several events: remembered once
        }
        List<AppliedCommand> next = new ArrayList<>(Math.min(recent.size() + 1, RECENT_COMMANDS_KEPT));
        int from = Math.max(0, recent.size() + 1 - RECENT_COMMANDS_KEPT);
        for (int i = from; i < recent.size(); i++) {
            next.add(recent.get(i));
        }
        next.add(new AppliedCommand(cause.getCommandId(), cause.getCommandDigest()));
        return next;
    }
}
