package dev.kassa.relay.delivery;

import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Instant;

/** The records of attempts, as the attempts topic keeps them; what they say is decided by {@link DeliveryDecider}. */
public final class AttemptOutcomes {

    private AttemptOutcomes() {
    }

    /** The record of an attempt that was answered (or failed to be), with what the decider made of it. */
    public static WebhookAttempt record(Dispatcher.Request request, long merchantId, long sequence, Dispatcher.Outcome outcome,
                                        Instant attemptedAt, DeliveryDecider.Outcome decided) {
        AttemptOutcome result = decided.outcome();
        Instant next = decided.nextAttemptAt();
        return WebhookAttempt.newBuilder()
                .setAttemptId(request.eventId() + "#" + request.attempt() + (request.redelivery() ? "r" + attemptedAt.toEpochMilli() : ""))
                .setEventId(request.eventId())
                .setSessionId(request.sessionId())
                .setMerchantId(merchantId)
                .setSequence(sequence)
                .setAttempt(request.attempt())
                .setUrl(request.url())
                .setAttemptedAt(attemptedAt)
                .setStatusCode(outcome.statusCode())
                .setLatencyMs(outcome.latencyMs())
                .setError(outcome.error())
                .setOutcome(result)
                .setNextAttemptAt(next)
                .setRedelivery(request.redelivery())
                .setEndpointId(request.endpointId())
                .setResponseExcerpt(outcome.excerpt())
                .setReason(outcome.reason())
                .build();
    }

    /** An attempt that was never made, for a reason on Kassa's side (no URL, endpoint disabled): parked at once. */
    public static WebhookAttempt notAttempted(String eventId, long sessionId, long merchantId, long sequence, int attempt,
                                              String url, Instant at, AttemptOutcome outcome, String why) {
        return notAttempted(eventId, sessionId, merchantId, sequence, attempt, url, at, outcome, why, null);
    }

    /** The same for one endpoint. No latency: nothing was sent (what tells it from a real attempt that failed at once). */
    public static WebhookAttempt notAttempted(String eventId, long sessionId, long merchantId, long sequence, int attempt,
                                              String url, Instant at, AttemptOutcome outcome, String why, String endpointId) {
        return WebhookAttempt.newBuilder()
                .setAttemptId(eventId + "#" + attempt).setEventId(eventId).setSessionId(sessionId).setMerchantId(merchantId)
                .setSequence(sequence).setAttempt(attempt).setUrl(url == null ? "" : url).setAttemptedAt(at)
                .setStatusCode(null).setLatencyMs(null).setError(why).setOutcome(outcome).setNextAttemptAt(null)
                .setRedelivery(false).setEndpointId(endpointId).build();
    }
}
