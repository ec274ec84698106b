package dev.kassa.relay.stream;

import dev.kassa.model.SessionFold;
import dev.kassa.observability.LogContext;
import dev.kassa.relay.delivery.AttemptOutcomes;
import dev.kassa.relay.delivery.DeliveryDecider;
import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.model.WebhookPayload;
import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.MerchantView;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookDelivery;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue of webhooks per session, delivered head first: a session waits on its own failing webhook, other
 * sessions do not. The due index holds one entry per session with a pending head; a punctuator hands due heads to
 * the dispatcher; the attempt, read back from the attempts topic, decides what comes next.
 */
final class DeliveryProcessor implements Processor<Object, Object, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final RelaySettings settings;
    private final Dispatcher dispatcher;
    private final AttemptSink sink;
    private final DeliveryDecider decider;
    /** Session → "eventId#attempt" in flight. Not stored: after a crash the due head is simply sent again. */
    private final Map<Long, String> inFlight = new HashMap<>();

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Long, Merchant> merchants;
    private KeyValueStore<Long, WebhookEndpointStatus> endpointStatus;
    private KeyValueStore<Long, SessionState> sessions;
    private KeyValueStore<Bytes, WebhookDelivery> deliveries;
    private KeyValueStore<Bytes, Long> due;

    DeliveryProcessor(RelaySettings settings, Dispatcher dispatcher, AttemptSink sink) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.sink = sink;
        this.decider = new DeliveryDecider(settings.schedule());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        merchants = context.getStateStore(RelayTopology.MERCHANTS_STORE);
        endpointStatus = context.getStateStore(RelayTopology.ENDPOINT_STATUS_STORE);
        sessions = context.getStateStore(RelayTopology.SESSIONS_STORE);
        deliveries = context.getStateStore(RelayTopology.DELIVERIES_STORE);
        due = context.getStateStore(RelayTopology.DUE_STORE);
        // One clock for every decision: the relay's (the punctuation only wakes it up).
        context.schedule(settings.scanInterval(), PunctuationType.WALL_CLOCK_TIME, ignored -> dispatchDue(settings.clock().instant()));
        RelayMetrics.register();
        context.schedule(BACKLOG_INTERVAL, PunctuationType.WALL_CLOCK_TIME, ignored -> countBacklog(settings.clock().instant()));
    }

    @Override
    public void process(Record<Object, Object> record) {
        if (record.value() instanceof SessionEvent event) {
            enqueue(event);
        } else if (record.value() instanceof WebhookAttempt attempt) {
            fold(attempt);
        } else if (record.value() instanceof RedeliveryRequest request) {
            redeliver(request);
        }
    }

    /** An operator's redelivery: sent once, out of band (the session's queue is not touched), marked as a redelivery. */
    private void redeliver(RedeliveryRequest request) {
        Instant now = settings.clock().instant();
        DeliveryDecider.Head once = new DeliveryDecider.Head(request.getEventId(), request.getSequence(), 0, now);
        DeliveryDecider.Decision decision = decider.decide(once, new DeliveryDecider.Due(endpoint(request.getMerchantId(), now)), now);
        if (decision instanceof DeliveryDecider.NotAttempted parked) {
            sink.attempted(AttemptOutcomes.notAttempted(request.getEventId(), request.getSessionId(), request.getMerchantId(),
                    request.getSequence(), 1, parked.url(), now, AttemptOutcome.PARKED, "redelivery: " + parked.why()));
            return;
        }
        DeliveryDecider.Send send = (DeliveryDecider.Send) decision;
        byte[] body = new byte[request.getBody().remaining()];
        request.getBody().duplicate().get(body);
        Dispatcher.Request http = new Dispatcher.Request(request.getEventId(), request.getSessionId(), body, send.attempt(),
                send.url(), send.secret(), send.previousSecret(), true);
        dispatcher.send(http).whenComplete((outcome, error) -> sink.attempted(answered(http, request.getMerchantId(), request.getSequence(),
                outcome, error)));
    }

    /** The record of an answered attempt, as the decider rules on it, at the relay's clock. */
    private WebhookAttempt answered(Dispatcher.Request request, long merchantId, long sequence, Dispatcher.Outcome outcome, Throwable error) {
        Dispatcher.Outcome result = error == null ? outcome : new Dispatcher.Outcome(null, 0, "dispatch failed: " + error, null);
        Instant at = settings.clock().instant();
        DeliveryDecider.Outcome decided = (DeliveryDecider.Outcome) decider.decide(null,
                new DeliveryDecider.Answered(request.eventId(), request.attempt(), request.redelivery(), result), at);
        return AttemptOutcomes.record(request, merchantId, sequence, result, at, decided);
    }

    private void enqueue(SessionEvent event) {
        SessionFold.Step step = SessionFold.next(sessions.get(event.getSessionId()), event);
        if (step instanceof SessionFold.Repeated) {
            return; // a re-sent event: its webhook is already queued or sent
        }
        if (step instanceof SessionFold.Gap gap) {
            LogContext.run(() -> LOG.warn("skipped event {}: {}", event.getEventId(), gap.describe()),
                    "session_id", Long.toString(event.getSessionId()), "merchant_id", Long.toString(event.getMerchantId()),
                    "event_id", event.getEventId());
            return;
        }
        SessionState state = ((SessionFold.Folded) step).after();
        sessions.put(event.getSessionId(), state);
        Merchant merchant = merchant(event.getMerchantId());
        if (merchant == null || merchant.getWebhookUrl() == null || merchant.getWebhookUrl().isBlank()) {
            return; // the merchant polls instead; nothing to deliver
        }
        Instant now = settings.clock().instant();
        boolean idle = head(event.getSessionId()) == null;
        WebhookDelivery delivery = new WebhookDelivery(event.getEventId(), event.getSessionId(), event.getMerchantId(),
                event.getSequence(), ByteBuffer.wrap(WebhookPayload.body(event, state)), 0, now, now);
        deliveries.put(deliveryKey(event.getSessionId(), event.getSequence()), delivery);
        if (idle) {
            due.put(dueKey(now, event.getSessionId()), event.getSessionId());
        }
    }

    /** How often the backlog is counted for the metrics, and how many queued heads a count looks at, at most. */
    private static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(5);
    private static final int BACKLOG_SCAN_CAP = 10_000;

    /** Counts the due heads, the ones in flight, and the oldest queued webhook, for {@link RelayMetrics}. Bounded. */
    private void countBacklog(Instant now) {
        long dueCount = 0;
        long dueToDisabled = 0;
        Instant oldest = null;
        int seen = 0;
        try (KeyValueIterator<Bytes, Long> it = due.all()) {
            while (it.hasNext() && seen < BACKLOG_SCAN_CAP) {
                KeyValue<Bytes, Long> entry = it.next();
                seen++;
                WebhookDelivery head = head(entry.value);
                if (ByteBuffer.wrap(entry.key.get()).getLong() <= now.toEpochMilli()) { // the key starts with next_attempt_at
                    DeliveryDecider.Endpoint endpoint = head == null ? null : endpoint(head.getMerchantId(), now);
                    if (endpoint != null && (endpoint.url() == null || endpoint.disabledReason() != null)) {
                        dueToDisabled++;
                    } else {
                        dueCount++;
                    }
                }
                if (head != null && (oldest == null || head.getCreatedAt().isBefore(oldest))) {
                    oldest = head.getCreatedAt();
                }
            }
        }
        RelayMetrics.backlog(context.taskId().toString(), new RelayMetrics.Backlog(dueCount, dueToDisabled, inFlight.size(), oldest));
    }

    @Override
    public void close() {
        RelayMetrics.forget(context.taskId().toString());
    }

    private void dispatchDue(Instant now) {
        List<KeyValue<Bytes, Long>> ready = new ArrayList<>();
        int room = settings.maxInFlight() - inFlight.size();
        try (KeyValueIterator<Bytes, Long> it = due.range(dueKey(Instant.EPOCH, 0), dueKey(now, Long.MAX_VALUE))) {
            while (it.hasNext() && ready.size() < room) {
                KeyValue<Bytes, Long> entry = it.next();
                if (!inFlight.containsKey(entry.value)) {
                    ready.add(entry);
                }
            }
        }
        for (KeyValue<Bytes, Long> entry : ready) {
            long sessionId = entry.value;
            WebhookDelivery head = head(sessionId);
            if (head == null) {
                due.delete(entry.key);
                continue;
            }
            DeliveryDecider.Decision decision = decider.decide(view(head), new DeliveryDecider.Due(endpoint(head.getMerchantId(), now)), now);
            if (decision instanceof DeliveryDecider.NotAttempted parked) {
                inFlight.put(sessionId, head.getEventId() + "#" + parked.attempt());
                sink.attempted(AttemptOutcomes.notAttempted(head.getEventId(), sessionId, head.getMerchantId(), head.getSequence(),
                        parked.attempt(), parked.url(), now, AttemptOutcome.PARKED, parked.why()));
                continue;
            }
            DeliveryDecider.Send send = (DeliveryDecider.Send) decision;
            byte[] body = new byte[head.getBody().remaining()];
            head.getBody().duplicate().get(body);
            Dispatcher.Request request = new Dispatcher.Request(head.getEventId(), sessionId, body, send.attempt(),
                    send.url(), send.secret(), send.previousSecret(), false);
            inFlight.put(sessionId, head.getEventId() + "#" + send.attempt());
            long merchantId = head.getMerchantId();
            long sequence = head.getSequence();
            Instant enqueuedAt = head.getCreatedAt();
            dispatcher.send(request).whenComplete((outcome, error) -> {
                WebhookAttempt record = answered(request, merchantId, sequence, outcome, error);
                RelayMetrics.attempt(record.getOutcome(), record.getOutcome() == AttemptOutcome.DELIVERED
                        ? Duration.between(enqueuedAt, record.getAttemptedAt()) : null);
                sink.attempted(record);
                if (record.getOutcome() == AttemptOutcome.ENDPOINT_DISABLED) {
                    sink.endpointDisabled(new WebhookEndpointStatus(merchantId, request.url(), true,
                            "410 Gone from " + request.url() + " at " + record.getAttemptedAt(), record.getAttemptedAt()));
                }
            });
        }
    }

    /** The endpoint of {@code merchantId} as the decider sees it: the gateway's record with this relay's own facts folded in. */
    private DeliveryDecider.Endpoint endpoint(long merchantId, Instant now) {
        Merchant merchant = merchant(merchantId);
        if (merchant == null) {
            return DeliveryDecider.Endpoint.UNKNOWN;
        }
        SecretKeyring keyring = settings.keyring();
        try {
            return new DeliveryDecider.Endpoint(true, merchant.getWebhookUrl(), keyring.open(merchantId, merchant.getWebhookSecret()),
                    keyring.open(merchantId, previousSecret(merchant, now)), merchant.getWebhookDisabledReason(), null);
        } catch (SecretKeyring.UnreadableSecret e) {
            // Never unsigned, never with a wrong key: the webhook is parked until the keyring is fixed and it is redelivered.
            LOG.error("merchant {}: the webhook secret cannot be opened: {}", merchantId, e.getMessage());
            return new DeliveryDecider.Endpoint(true, merchant.getWebhookUrl(), null, null, merchant.getWebhookDisabledReason(), e.getMessage());
        }
    }

    private static DeliveryDecider.Head view(WebhookDelivery delivery) {
        return delivery == null ? null
                : new DeliveryDecider.Head(delivery.getEventId(), delivery.getSequence(), delivery.getAttempts(), delivery.getNextAttemptAt());
    }

    /** The gateway's merchant record with this relay's own facts about its endpoint folded in. */
    private Merchant merchant(long merchantId) {
        return MerchantView.of(merchants.get(merchantId), endpointStatus.get(merchantId));
    }

    private static String previousSecret(Merchant merchant, Instant now) {
        if (merchant.getPreviousWebhookSecret() == null) {
            return null;
        }
        Instant until = merchant.getPreviousSecretUntil();
        return until == null || now.isBefore(until) ? merchant.getPreviousWebhookSecret() : null;
    }

    private void fold(WebhookAttempt attempt) {
        long sessionId = attempt.getSessionId();
        WebhookDelivery head = head(sessionId);
        DeliveryDecider.Decision decision = decider.decide(view(head), new DeliveryDecider.Recorded(attempt), settings.clock().instant());
        if (decision instanceof DeliveryDecider.Stale) {
            return;
        }
        String key = attempt.getEventId() + "#" + attempt.getAttempt();
        if (key.equals(inFlight.get(sessionId))) {
            inFlight.remove(sessionId);
        }
        due.delete(dueKey(head.getNextAttemptAt(), sessionId));
        if (decision instanceof DeliveryDecider.Advance advance) {
            deliveries.put(deliveryKey(sessionId, head.getSequence()), scheduled(head, advance.head().attempts(), advance.head().nextAttemptAt()));
            due.put(dueKey(advance.head().nextAttemptAt(), sessionId), sessionId);
            return;
        }
        if (((DeliveryDecider.Finished) decision).outcome() != AttemptOutcome.DELIVERED) {
            LogContext.run(() -> LOG.warn("webhook {} for session {} parked after attempt {}: {}",
                            attempt.getEventId(), sessionId, attempt.getAttempt(),
                            attempt.getError() != null ? attempt.getError() : "status " + attempt.getStatusCode()),
                    "session_id", Long.toString(sessionId), "merchant_id", Long.toString(attempt.getMerchantId()),
                    "event_id", attempt.getEventId());
        }
        deliveries.delete(deliveryKey(sessionId, head.getSequence()));
        WebhookDelivery next = head(sessionId);
        if (next != null) {
            Instant now = settings.clock().instant();
            deliveries.put(deliveryKey(sessionId, next.getSequence()), scheduled(next, next.getAttempts(), now));
            due.put(dueKey(now, sessionId), sessionId);
        }
    }

    /** The same delivery (the same body bytes, not a copy) tried {@code attempts} times and due at {@code next}. */
    private static WebhookDelivery scheduled(WebhookDelivery d, int attempts, Instant next) {
        return new WebhookDelivery(d.getEventId(), d.getSessionId(), d.getMerchantId(), d.getSequence(), d.getBody(), attempts,
                next, d.getCreatedAt());
    }

    private WebhookDelivery head(long sessionId) {
        try (KeyValueIterator<Bytes, WebhookDelivery> it = deliveries.range(deliveryKey(sessionId, 0), deliveryKey(sessionId, Long.MAX_VALUE))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    static Bytes deliveryKey(long sessionId, long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(sessionId).putLong(sequence).array());
    }

    static Bytes dueKey(Instant at, long sessionId) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(at.toEpochMilli()).putLong(sessionId).array());
    }
}
