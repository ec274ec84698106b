package dev.kassa.aggregate.domain;

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
            next.setReviewReason(review.getReason());
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

    /** The refund list after {@code refund}: a reservation is added, a confirmation or refusal settles its entry. */
    private static List<RefundEntry> refunds(List<RefundEntry> before, RefundRecorded refund) {
        List<RefundEntry> after = new ArrayList<>(before.size() + 1);
        boolean found = false;
        for (RefundEntry entry : before) {
            if (entry.getRefundId().equals(refund.getRefundId())) {
                found = true;
                after.add(new RefundEntry(entry.getRefundId(), entry.getAmountMinor(), refund.getPhase(),
                        refund.getProviderRefundId() != null ? refund.getProviderRefundId() : entry.getProviderRefundId(),
                        refund.getReason() != null ? refund.getReason() : entry.getReason()));
            } else {
                after.add(entry);
            }
        }
        if (!found) {
            after.add(new RefundEntry(refund.getRefundId(), refund.getAmountMinor(), refund.getPhase(), refund.getProviderRefundId(),
                    refund.getReason()));
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
