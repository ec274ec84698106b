package dev.kassa.relay.delivery;

import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Turns what an attempt got into the record of it: delivered, try again at T, parked, or endpoint disabled. */
public final class AttemptOutcomes {

    private AttemptOutcomes() {
    }

    public static WebhookAttempt record(Dispatcher.Request request, long merchantId, long sequence, Dispatcher.Outcome outcome,
                                        Instant attemptedAt, RetrySchedule schedule) {
        AttemptOutcome result;
        Instant next = null;
        if (outcome.delivered()) {
            result = AttemptOutcome.DELIVERED;
        } else if (outcome.gone()) {
            result = AttemptOutcome.ENDPOINT_DISABLED;
        } else {
            Optional<Duration> delay = request.redelivery() ? Optional.empty()
                    : schedule.delayAfter(request.attempt(), request.eventId(), outcome.retryAfter());
            result = delay.isPresent() ? AttemptOutcome.RETRY_SCHEDULED : AttemptOutcome.PARKED;
            next = delay.map(attemptedAt::plus).orElse(null);
        }
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
                .build();
    }

    /** An attempt that was never made, for a reason on Kassa's side (no URL, endpoint disabled): parked at once. */
    public static WebhookAttempt notAttempted(String eventId, long sessionId, long merchantId, long sequence, int attempt,
                                              String url, Instant at, AttemptOutcome outcome, String why) {
        return WebhookAttempt.newBuilder()
                .setAttemptId(eventId + "#" + attempt).setEventId(eventId).setSessionId(sessionId).setMerchantId(merchantId)
                .setSequence(sequence).setAttempt(attempt).setUrl(url == null ? "" : url).setAttemptedAt(at)
                .setStatusCode(null).setLatencyMs(0L).setError(why).setOutcome(outcome).setNextAttemptAt(null)
                .setRedelivery(false).build();
    }
}
