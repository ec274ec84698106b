package dev.kassa.relay.delivery;

import dev.kassa.model.RetrySchedule;

import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The webhook delivery of one session's queue head, as a pure decider: pending → in flight → delivered | retry at
 * T | parked | endpoint disabled. {@link #decide} says what to do with an input (the head fell due, an attempt was
 * answered, an attempt came back from the attempts topic); {@link #evolve} folds a recorded attempt into the head.
 * The Streams processor only reads and writes its stores and keeps one clock; the rules are here, in the shape of
 * their table test ({@code DeliveryDeciderTableTest}).
 */
public final class DeliveryDecider {

    /** How long a head waits before it looks again at an endpoint that is disabled. */
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(30);

    private final RetrySchedule schedule;
    private final Duration hold;

    public DeliveryDecider(RetrySchedule schedule) {
        this(schedule, DEFAULT_HOLD);
    }

    public DeliveryDecider(RetrySchedule schedule, Duration hold) {
        this.schedule = schedule;
        this.hold = hold;
    }

    /** The head of a session's queue: the webhook waiting to be delivered, how often it was tried, when it is next due. */
    public record Head(String eventId, long sequence, int attempts, Instant nextAttemptAt) {
    }

    /**
     * The merchant's endpoint as the relay sees it: the gateway's record with the relay's own facts folded in (a 410
     * disables it). {@code known} is false for a merchant the relay has not seen.
     */
    public record Endpoint(boolean known, String url, String secret, String previousSecret, String disabledReason,
                           String unreadableSecret, Integer maxPerSecond) {
        public static final Endpoint UNKNOWN = new Endpoint(false, null, null, null, null, null, null);

        /** Without a throttle. */
        public Endpoint(boolean known, String url, String secret, String previousSecret, String disabledReason, String unreadableSecret) {
            this(known, url, secret, previousSecret, disabledReason, unreadableSecret, null);
        }
    }

    /** What happened to the head. */
    public sealed interface Input permits Due, Answered, Recorded {
    }

    /** The head's time came (or it is a redelivery an operator asked for). */
    public record Due(Endpoint endpoint) implements Input {
    }

    /** The receiver answered attempt {@code attempt} of {@code eventId} (or did not: the outcome carries the error). */
    public record Answered(String eventId, int attempt, boolean redelivery, Dispatcher.Outcome outcome) implements Input {
    }

    /** An attempt, read back from the attempts topic: what moves the queue. */
    public record Recorded(WebhookAttempt attempt) implements Input {
    }

    /** What the processor does. */
    public sealed interface Decision permits Send, Hold, NotAttempted, Outcome, Advance, Finished, Stale {
    }

    /** Dispatch attempt {@code attempt} to {@code url}, signed with the secret (and the previous one while it overlaps). */
    public record Send(int attempt, String url, String secret, String previousSecret) implements Decision {
    }

    /**
     * The endpoint is disabled: nothing is sent, nothing is parked; the head (unchanged but for its due time) looks
     * again at {@code head.nextAttemptAt()}, so re-enabling the endpoint resumes its backlog in order.
     */
    public record Hold(Head head) implements Decision {
    }

    /** Record attempt {@code attempt} as never made, parked, for a reason on Kassa's side. */
    public record NotAttempted(int attempt, String url, String why) implements Decision {
    }

    /** The record of an answered attempt: delivered, retry at {@code nextAttemptAt}, parked, or the endpoint is gone. */
    public record Outcome(AttemptOutcome outcome, Instant nextAttemptAt) implements Decision {
    }

    /** The head stays, tried {@code head.attempts()} times, next due at {@code head.nextAttemptAt()}. */
    public record Advance(Head head) implements Decision {
    }

    /** The head is done (delivered, parked or disabled): the session's next webhook is due now. */
    public record Finished(AttemptOutcome outcome) implements Decision {
    }

    /** Nothing to do: an attempt already folded, or not about this head (a redelivery, a restart's re-read). */
    public record Stale(String why) implements Decision {
    }

    /** The decision for {@code input} to {@code head} (null when the session's queue is empty), at {@code now}. */
    public Decision decide(Head head, Input input, Instant now) {
        if (input instanceof Due due) {
            return due(head, due.endpoint(), now);
        }
        if (input instanceof Answered answered) {
            return answered(answered, now);
        }
        return recorded(head, ((Recorded) input).attempt());
    }

    /** The head after a recorded attempt: the same head tried once more, or null when it is done. */
    public Head evolve(Head head, WebhookAttempt attempt) {
        Decision decision = recorded(head, attempt);
        if (decision instanceof Advance advance) {
            return advance.head();
        }
        return decision instanceof Finished ? null : head;
    }

    private Decision due(Head head, Endpoint endpoint, Instant now) {
        if (head == null) {
            return new Stale("the session's queue is empty");
        }
        int attempt = head.attempts() + 1;
        if (!endpoint.known()) {
            return new NotAttempted(attempt, null, "the merchant is unknown");
        }
        if (endpoint.url() == null || endpoint.url().isBlank()) {
            return new NotAttempted(attempt, endpoint.url(), "the merchant has no webhook URL");
        }
        if (endpoint.disabledReason() != null) {
            return new Hold(new Head(head.eventId(), head.sequence(), head.attempts(), now.plus(hold)));
        }
        if (endpoint.unreadableSecret() != null) {
            return new NotAttempted(attempt, endpoint.url(), "the signing secret cannot be opened: " + endpoint.unreadableSecret());
        }
        return new Send(attempt, endpoint.url(), endpoint.secret(), endpoint.previousSecret());
    }

    private Decision answered(Answered answered, Instant now) {
        Dispatcher.Outcome outcome = answered.outcome();
        if (outcome.delivered()) {
            return new Outcome(AttemptOutcome.DELIVERED, null);
        }
        if (outcome.gone()) {
            // The endpoint is disabled with this head still queued: it is tried again, first, once the endpoint is enabled.
            // Not before a hold: the relay's own "disabled" fact reaches its global store moments later, and until then
            // the endpoint still looks enabled (a retry at once was a second 410 and a second fact).
            return new Outcome(AttemptOutcome.ENDPOINT_DISABLED, answered.redelivery() ? null : now.plus(hold));
        }
        // A redelivery is the operator's one try; a queued webhook follows the schedule (Retry-After within its bounds).
        Optional<Duration> delay = answered.redelivery() ? Optional.empty()
                : schedule.delayAfter(answered.attempt(), answered.eventId(), outcome.retryAfter());
        return delay.<Decision>map(d -> new Outcome(AttemptOutcome.RETRY_SCHEDULED, now.plus(d)))
                .orElseGet(() -> new Outcome(AttemptOutcome.PARKED, null));
    }

    private static Decision recorded(Head head, WebhookAttempt attempt) {
        if (attempt.getRedelivery()) {
            return new Stale("an operator's redelivery: logged, it does not move the queue");
        }
        if (head == null || !head.eventId().equals(attempt.getEventId()) || attempt.getAttempt() != head.attempts() + 1) {
            return new Stale("an attempt already folded (re-read after a restart) or from before a crash");
        }
        if ((attempt.getOutcome() == AttemptOutcome.RETRY_SCHEDULED || attempt.getOutcome() == AttemptOutcome.ENDPOINT_DISABLED)
                && attempt.getNextAttemptAt() != null) {
            return new Advance(new Head(head.eventId(), head.sequence(), attempt.getAttempt(), attempt.getNextAttemptAt()));
        }
        return new Finished(attempt.getOutcome());
    }
}
