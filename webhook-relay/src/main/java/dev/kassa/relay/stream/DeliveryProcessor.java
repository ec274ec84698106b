package dev.kassa.relay.stream;

import dev.kassa.model.SessionFold;
import dev.kassa.observability.LogContext;
import dev.kassa.relay.delivery.AttemptOutcomes;
import dev.kassa.relay.delivery.DeliveryDecider;
import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.model.WebhookPayload;
import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.model.SessionView;
import dev.kassa.model.RetrySchedule;
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
import java.util.concurrent.ConcurrentHashMap;
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
 * One queue of webhooks per session and endpoint, delivered head first: a session's webhooks reach each endpoint in
 * order, and an endpoint that fails (or is disabled, or throttled) delays only its own queues, never another
 * endpoint's or another session's. The due index holds one entry per queue with a pending head; a punctuator hands due
 * heads to the dispatcher; the attempt, read back from the attempts topic, decides what comes next. The relay also
 * watches each endpoint's health: one that has gone {@link RelaySettings#disableAfter()} without a success is
 * disabled, as the relay's own fact, and its webhooks wait (held, never parked) until it is enabled again.
 */
final class DeliveryProcessor implements Processor<Object, Object, Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);
    /** How many due entries one scan looks at, at most (throttled and in-flight ones are passed over). */
    private static final int SCAN_CAP = 20_000;

    private final RelaySettings settings;
    private final Dispatcher dispatcher;
    private final AttemptSink sink;
    private final EndpointThrottle throttle;
    private final DeliveryDecider decider;
    /** Deciders for merchants with their own retry schedule, by schedule text. */
    private final Map<String, DeliveryDecider> merchantDeciders = new ConcurrentHashMap<>();
    /** Queue → "eventId#attempt" in flight. Not stored: after a crash the due head is simply sent again. */
    private final Map<Queue, String> inFlight = new HashMap<>();
    private boolean migrated;

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Long, Merchant> merchants;
    private KeyValueStore<Long, WebhookEndpointStatus> endpointStatus;
    private KeyValueStore<Long, SessionState> sessions;
    private KeyValueStore<Bytes, WebhookDelivery> deliveries;
    private KeyValueStore<Bytes, Long> due;
    private KeyValueStore<Bytes, WebhookDelivery> legacyDeliveries;
    private KeyValueStore<Bytes, Long> legacyDue;
    private KeyValueStore<Long, Long> failingSince;

    /** One session's queue to one endpoint. */
    record Queue(long sessionId, long endpointKey) {
    }

    DeliveryProcessor(RelaySettings settings, Dispatcher dispatcher, AttemptSink sink, EndpointThrottle throttle) {
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.sink = sink;
        this.throttle = throttle;
        this.decider = new DeliveryDecider(settings.schedule(), settings.hold());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        merchants = context.getStateStore(RelayTopology.MERCHANTS_STORE);
        endpointStatus = context.getStateStore(RelayTopology.ENDPOINT_STATUS_STORE);
        sessions = context.getStateStore(RelayTopology.SESSIONS_STORE);
        deliveries = context.getStateStore(RelayTopology.DELIVERIES_STORE);
        due = context.getStateStore(RelayTopology.DUE_STORE);
        legacyDeliveries = context.getStateStore(RelayTopology.LEGACY_DELIVERIES_STORE);
        legacyDue = context.getStateStore(RelayTopology.LEGACY_DUE_STORE);
        failingSince = context.getStateStore(RelayTopology.HEALTH_STORE);
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

    /**
     * An operator's redelivery (or an endpoint's test ping): sent once, out of band (no queue is touched), marked as a
     * redelivery; to the endpoint it names, else the merchant's first.
     */
    private void redeliver(RedeliveryRequest request) {
        Instant now = settings.clock().instant();
        Long named = WebhookEndpoints.key(request.getEndpointId());
        long endpointKey = named != null ? named : request.getMerchantId();
        DeliveryDecider.Head once = new DeliveryDecider.Head(request.getEventId(), request.getSequence(), 0, now);
        DeliveryDecider.Endpoint endpoint = endpoint(request.getMerchantId(), endpointKey, now);
        DeliveryDecider.Decision decision = decider.decide(once, new DeliveryDecider.Due(endpoint), now);
        if (decision instanceof DeliveryDecider.Hold) {
            decision = new DeliveryDecider.NotAttempted(1, endpoint.url(), "endpoint disabled: " + endpoint.disabledReason());
        }
        if (decision instanceof DeliveryDecider.NotAttempted parked) {
            sink.attempted(AttemptOutcomes.notAttempted(request.getEventId(), request.getSessionId(), request.getMerchantId(),
                    request.getSequence(), 1, parked.url(), now, AttemptOutcome.PARKED, "redelivery: " + parked.why(),
                    WebhookEndpoints.id(endpointKey)));
            return;
        }
        DeliveryDecider.Send send = (DeliveryDecider.Send) decision;
        byte[] body = new byte[request.getBody().remaining()];
        request.getBody().duplicate().get(body);
        Dispatcher.Request http = new Dispatcher.Request(request.getEventId(), request.getSessionId(), body, send.attempt(),
                send.url(), send.secret(), send.previousSecret(), true, WebhookEndpoints.id(endpointKey));
        dispatcher.send(http).whenComplete((outcome, error) -> sink.attempted(answered(http, request.getMerchantId(), request.getSequence(),
                outcome, error)));
    }

    /** The record of an answered attempt, as the decider rules on it (the merchant's schedule), at the relay's clock. */
    private WebhookAttempt answered(Dispatcher.Request request, long merchantId, long sequence, Dispatcher.Outcome outcome, Throwable error) {
        Dispatcher.Outcome result = error == null ? outcome : new Dispatcher.Outcome(null, 0, "dispatch failed: " + error, null);
        Instant at = settings.clock().instant();
        DeliveryDecider.Outcome decided = (DeliveryDecider.Outcome) deciderFor(merchantId).decide(null,
                new DeliveryDecider.Answered(request.eventId(), request.attempt(), request.redelivery(), result), at);
        return AttemptOutcomes.record(request, merchantId, sequence, result, at, decided);
    }

    /** The relay's decider, or one with the merchant's own retry schedule (checked by the gateway; a bad one falls back). */
    private DeliveryDecider deciderFor(long merchantId) {
        Merchant merchant = merchants.get(merchantId);
        String own = merchant == null ? null : merchant.getWebhookRetrySchedule();
        if (own == null || own.isBlank()) {
            return decider;
        }
        return merchantDeciders.computeIfAbsent(own, text -> {
            try {
                return new DeliveryDecider(RetrySchedule.parse(text), settings.hold());
            } catch (IllegalArgumentException e) {
                LOG.warn("merchant {}: retry schedule '{}' is not valid ({}); the relay's is used", merchantId, text, e.getMessage());
                return decider;
            }
        });
    }

    private void enqueue(SessionEvent event) {
        SessionFold.Step step = SessionFold.next(sessions.get(event.getSessionId()), event);
        if (step instanceof SessionFold.Repeated) {
            return; // a re-sent event: its webhooks are already queued or sent
        }
        if (step instanceof SessionFold.Gap gap) {
            LogContext.run(() -> LOG.warn("skipped event {}: {}", event.getEventId(), gap.describe()),
                    "session_id", Long.toString(event.getSessionId()), "merchant_id", Long.toString(event.getMerchantId()),
                    "event_id", event.getEventId());
            return;
        }
        SessionState state = ((SessionFold.Folded) step).after();
        sessions.put(event.getSessionId(), state);
        List<WebhookEndpoints.Endpoint> endpoints = WebhookEndpoints.of(merchants.get(event.getMerchantId()), endpointStatus::get);
        if (endpoints.isEmpty()) {
            return; // the merchant polls instead; nothing to deliver
        }
        String status = SessionView.status(state.getStatus());
        Instant now = settings.clock().instant();
        ByteBuffer body = null;
        for (WebhookEndpoints.Endpoint endpoint : endpoints) {
            if (!endpoint.accepts(status)) {
                continue; // not an event this endpoint asked for
            }
            if (body == null) {
                body = ByteBuffer.wrap(WebhookPayload.body(event, state)); // one body, the same bytes for every endpoint
            }
            Queue queue = new Queue(event.getSessionId(), endpoint.key());
            boolean idle = head(queue) == null;
            WebhookDelivery delivery = new WebhookDelivery(event.getEventId(), event.getSessionId(), event.getMerchantId(),
                    event.getSequence(), body, 0, now, now, endpoint.key());
            deliveries.put(deliveryKey(queue, event.getSequence()), delivery);
            if (idle) {
                due.put(dueKey(now, queue), queue.endpointKey());
            }
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
                Queue queue = queueOf(entry.key);
                WebhookDelivery head = head(queue);
                DeliveryDecider.Endpoint endpoint = head == null ? null : endpoint(head.getMerchantId(), queue.endpointKey(), now);
                if (endpoint != null && (endpoint.url() == null || endpoint.disabledReason() != null)) {
                    dueToDisabled++; // held for a disabled endpoint, whenever it is next looked at
                } else if (ByteBuffer.wrap(entry.key.get()).getLong() <= now.toEpochMilli()) { // the key starts with the due time
                    dueCount++;
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
        if (!migrated) {
            migrateLegacyQueues();
            migrated = true;
        }
        List<KeyValue<Bytes, Long>> ready = new ArrayList<>();
        int room = settings.maxInFlight() - inFlight.size();
        int seen = 0;
        try (KeyValueIterator<Bytes, Long> it = due.range(dueKey(Instant.EPOCH, new Queue(0, 0)), dueKey(now, new Queue(Long.MAX_VALUE, Long.MAX_VALUE)))) {
            while (it.hasNext() && ready.size() < room && seen++ < SCAN_CAP) {
                KeyValue<Bytes, Long> entry = it.next();
                if (!inFlight.containsKey(queueOf(entry.key))) {
                    ready.add(entry);
                }
            }
        }
        for (KeyValue<Bytes, Long> entry : ready) {
            Queue queue = queueOf(entry.key);
            WebhookDelivery head = head(queue);
            if (head == null) {
                due.delete(entry.key);
                continue;
            }
            DeliveryDecider.Endpoint endpoint = endpoint(head.getMerchantId(), queue.endpointKey(), now);
            DeliveryDecider.Decision decision = decider.decide(view(head), new DeliveryDecider.Due(endpoint), now);
            String endpointId = WebhookEndpoints.id(queue.endpointKey());
            if (decision instanceof DeliveryDecider.Hold hold) {
                // Disabled: the head keeps its place and its attempts, and looks again later.
                due.delete(entry.key);
                deliveries.put(deliveryKey(queue, head.getSequence()), scheduled(head, head.getAttempts(), hold.head().nextAttemptAt()));
                due.put(dueKey(hold.head().nextAttemptAt(), queue), queue.endpointKey());
                continue;
            }
            if (decision instanceof DeliveryDecider.NotAttempted parked) {
                inFlight.put(queue, head.getEventId() + "#" + parked.attempt());
                sink.attempted(AttemptOutcomes.notAttempted(head.getEventId(), queue.sessionId(), head.getMerchantId(), head.getSequence(),
                        parked.attempt(), parked.url(), now, AttemptOutcome.PARKED, parked.why(), endpointId));
                continue;
            }
            if (!throttle.tryAcquire(queue.endpointKey(), endpoint)) {
                continue; // over the endpoint's deliveries per second: it stays due, and is looked at again at the next scan
            }
            DeliveryDecider.Send send = (DeliveryDecider.Send) decision;
            byte[] body = new byte[head.getBody().remaining()];
            head.getBody().duplicate().get(body);
            Dispatcher.Request request = new Dispatcher.Request(head.getEventId(), queue.sessionId(), body, send.attempt(),
                    send.url(), send.secret(), send.previousSecret(), false, endpointId);
            inFlight.put(queue, head.getEventId() + "#" + send.attempt());
            long merchantId = head.getMerchantId();
            long sequence = head.getSequence();
            Instant enqueuedAt = head.getCreatedAt();
            dispatcher.send(request).whenComplete((outcome, error) -> {
                WebhookAttempt record = answered(request, merchantId, sequence, outcome, error);
                RelayMetrics.attempt(record.getOutcome(), record.getOutcome() == AttemptOutcome.DELIVERED
                        ? Duration.between(enqueuedAt, record.getAttemptedAt()) : null);
                sink.attempted(record);
                if (record.getOutcome() == AttemptOutcome.ENDPOINT_DISABLED) {
                    sink.endpointDisabled(disabledFact(merchantId, queue.endpointKey(), request.url(),
                            "410 Gone from " + request.url() + " at " + record.getAttemptedAt(), record.getAttemptedAt()));
                }
            });
        }
    }

    /**
     * Queues written before endpoints (one per session, keyed by session and sequence) become the first endpoint's,
     * once, on the first scan after an upgrade: nothing queued is lost, nothing is sent twice.
     */
    private void migrateLegacyQueues() {
        Map<Queue, Instant> heads = new HashMap<>();
        List<Bytes> done = new ArrayList<>();
        try (KeyValueIterator<Bytes, WebhookDelivery> it = legacyDeliveries.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, WebhookDelivery> entry = it.next();
                WebhookDelivery d = entry.value;
                Queue queue = new Queue(d.getSessionId(), d.getMerchantId());
                deliveries.put(deliveryKey(queue, d.getSequence()), WebhookDelivery.newBuilder(d).setEndpointKey(d.getMerchantId()).build());
                heads.merge(queue, d.getNextAttemptAt(), (a, b) -> a); // the first (lowest sequence) is the head
                done.add(entry.key);
            }
        }
        done.forEach(legacyDeliveries::delete);
        heads.forEach((queue, at) -> due.put(dueKey(at, queue), queue.endpointKey()));
        List<Bytes> stale = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = legacyDue.all()) {
            it.forEachRemaining(entry -> stale.add(entry.key));
        }
        stale.forEach(legacyDue::delete);
        if (!done.isEmpty()) {
            LOG.info("moved {} queued webhook(s) of {} session queue(s) to per-endpoint queues", done.size(), heads.size());
        }
    }

    /** The endpoint with {@code endpointKey} of {@code merchantId} as the decider sees it, secrets opened. */
    private DeliveryDecider.Endpoint endpoint(long merchantId, long endpointKey, Instant now) {
        Merchant merchant = merchants.get(merchantId);
        if (merchant == null) {
            return DeliveryDecider.Endpoint.UNKNOWN;
        }
        WebhookEndpoints.Endpoint endpoint = WebhookEndpoints.find(merchant, endpointKey, endpointStatus::get);
        if (endpoint == null) {
            // Removed by the operator (or the merchant's URL cleared): what was queued for it is parked, not sent elsewhere.
            return new DeliveryDecider.Endpoint(true, null, null, null, null, null);
        }
        SecretKeyring keyring = settings.keyring();
        try {
            return new DeliveryDecider.Endpoint(true, endpoint.url(), keyring.open(merchantId, endpoint.secret()),
                    keyring.open(merchantId, endpoint.previousSecretAt(now)), endpoint.disabledReason(), null, endpoint.maxPerSecond());
        } catch (SecretKeyring.UnreadableSecret e) {
            // Never unsigned, never with a wrong key: the webhook is parked until the keyring is fixed and it is redelivered.
            LOG.error("merchant {} endpoint {}: the webhook secret cannot be opened: {}", merchantId, endpoint.id(), e.getMessage());
            return new DeliveryDecider.Endpoint(true, endpoint.url(), null, null, endpoint.disabledReason(), e.getMessage(),
                    endpoint.maxPerSecond());
        }
    }

    private static DeliveryDecider.Head view(WebhookDelivery delivery) {
        return delivery == null ? null
                : new DeliveryDecider.Head(delivery.getEventId(), delivery.getSequence(), delivery.getAttempts(), delivery.getNextAttemptAt());
    }

    private void fold(WebhookAttempt attempt) {
        long sessionId = attempt.getSessionId();
        Long named = WebhookEndpoints.key(attempt.getEndpointId());
        Queue queue = new Queue(sessionId, named != null ? named : attempt.getMerchantId());
        watchHealth(attempt, queue.endpointKey());
        if (attempt.getOutcome() == AttemptOutcome.ENDPOINT_DISABLED && !attempt.getRedelivery()) {
            tellOtherEndpoints(attempt.getMerchantId(), queue.endpointKey(), attempt.getUrl(),
                    "410 Gone from " + attempt.getUrl(), attempt.getAttemptedAt());
        }
        WebhookDelivery head = head(queue);
        DeliveryDecider.Decision decision = decider.decide(view(head), new DeliveryDecider.Recorded(attempt), settings.clock().instant());
        if (decision instanceof DeliveryDecider.Stale) {
            return;
        }
        String key = attempt.getEventId() + "#" + attempt.getAttempt();
        if (key.equals(inFlight.get(queue))) {
            inFlight.remove(queue);
        }
        due.delete(dueKey(head.getNextAttemptAt(), queue));
        if (decision instanceof DeliveryDecider.Advance advance) {
            deliveries.put(deliveryKey(queue, head.getSequence()), scheduled(head, advance.head().attempts(), advance.head().nextAttemptAt()));
            due.put(dueKey(advance.head().nextAttemptAt(), queue), queue.endpointKey());
            return;
        }
        if (((DeliveryDecider.Finished) decision).outcome() != AttemptOutcome.DELIVERED) {
            LogContext.run(() -> LOG.warn("webhook {} for session {} to {} parked after attempt {}: {}",
                            attempt.getEventId(), sessionId, WebhookEndpoints.id(queue.endpointKey()), attempt.getAttempt(),
                            attempt.getError() != null ? attempt.getError() : "status " + attempt.getStatusCode()),
                    "session_id", Long.toString(sessionId), "merchant_id", Long.toString(attempt.getMerchantId()),
                    "event_id", attempt.getEventId());
        }
        deliveries.delete(deliveryKey(queue, head.getSequence()));
        WebhookDelivery next = head(queue);
        if (next != null) {
            Instant now = settings.clock().instant();
            deliveries.put(deliveryKey(queue, next.getSequence()), scheduled(next, next.getAttempts(), now));
            due.put(dueKey(now, queue), queue.endpointKey());
        }
    }

    /**
     * An endpoint's health, from the attempts made to it (in this task's partitions): a success clears it; a failure
     * starts the clock if it is not running; past {@link RelaySettings#disableAfter()} without a success since the
     * endpoint was (re-)enabled, the relay disables it, once, as its own fact. Attempts that were never made (parked
     * for a reason on Kassa's side: no latency) say nothing about the endpoint.
     */
    private void watchHealth(WebhookAttempt attempt, long endpointKey) {
        if (attempt.getLatencyMs() == null) {
            return;
        }
        if (attempt.getOutcome() == AttemptOutcome.DELIVERED) {
            failingSince.delete(endpointKey);
            return;
        }
        Long since = failingSince.get(endpointKey);
        if (since == null) {
            failingSince.put(endpointKey, attempt.getAttemptedAt().toEpochMilli());
            return;
        }
        Merchant merchant = merchants.get(attempt.getMerchantId());
        WebhookEndpoints.Endpoint endpoint = WebhookEndpoints.find(merchant, endpointKey, endpointStatus::get);
        if (endpoint == null || !endpoint.enabled()) {
            return;
        }
        Instant failing = Instant.ofEpochMilli(since);
        if (endpoint.enabledSince() != null && endpoint.enabledSince().isAfter(failing)) {
            failing = endpoint.enabledSince(); // enabled again since: its time starts then
        }
        if (!attempt.getAttemptedAt().isBefore(failing.plus(settings.disableAfter()))) {
            Instant at = attempt.getAttemptedAt();
            String reason = "no successful delivery since " + failing + " (" + settings.disableAfter().toHours() + " h without a success)";
            sink.endpointDisabled(disabledFact(attempt.getMerchantId(), endpointKey, endpoint.url(), reason, at));
            failingSince.put(endpointKey, at.toEpochMilli());
            tellOtherEndpoints(attempt.getMerchantId(), endpointKey, endpoint.url(), reason, at);
        }
    }

    /**
     * The operational webhook: the merchant's other enabled endpoints are told, once, signed as any webhook, that this
     * one was disabled ({@code "type": "webhook_endpoint.disabled"}), so someone learns of it before days of payments go
     * unheard. Out of band, as a redelivery is: its attempts are recorded (session 0), it moves no queue.
     */
    private void tellOtherEndpoints(long merchantId, long disabledKey, String url, String reason, Instant at) {
        Merchant merchant = merchants.get(merchantId);
        Map<String, Object> notice = new java.util.LinkedHashMap<>();
        String eventId = "evt_endpoint_disabled_" + disabledKey + "_" + at.toEpochMilli();
        notice.put("type", "webhook_endpoint.disabled");
        notice.put("event_id", eventId);
        notice.put("merchant_id", merchantId);
        notice.put("endpoint_id", WebhookEndpoints.id(disabledKey));
        notice.put("url", url);
        notice.put("reason", reason);
        notice.put("disabled_at", at.toString());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(notice);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        for (WebhookEndpoints.Endpoint other : WebhookEndpoints.of(merchant, endpointStatus::get)) {
            if (other.key() == disabledKey || !other.enabled()) {
                continue;
            }
            redeliver(RedeliveryRequest.newBuilder().setRequestId(eventId).setEventId(eventId).setSessionId(0).setMerchantId(merchantId)
                    .setSequence(0).setBody(ByteBuffer.wrap(body)).setRequestedAt(at).setRequestedBy("relay:endpoint-disabled")
                    .setEndpointId(other.id()).build());
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static WebhookEndpointStatus disabledFact(long merchantId, long endpointKey, String url, String reason, Instant at) {
        return WebhookEndpointStatus.newBuilder().setMerchantId(merchantId).setUrl(url).setDisabled(true).setReason(reason).setAt(at)
                .setEndpointKey(endpointKey == merchantId ? null : endpointKey).build();
    }

    /** The same delivery (the same body bytes, not a copy) tried {@code attempts} times and due at {@code next}. */
    private static WebhookDelivery scheduled(WebhookDelivery d, int attempts, Instant next) {
        // The all-fields constructor, not a builder: a builder deep-copies the body (measured: docs/BENCHMARKS.md).
        return new WebhookDelivery(d.getEventId(), d.getSessionId(), d.getMerchantId(), d.getSequence(), d.getBody(), attempts,
                next, d.getCreatedAt(), d.getEndpointKey());
    }

    private WebhookDelivery head(Queue queue) {
        try (KeyValueIterator<Bytes, WebhookDelivery> it = deliveries.range(deliveryKey(queue, 0), deliveryKey(queue, Long.MAX_VALUE))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    static Bytes deliveryKey(Queue queue, long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(24).putLong(queue.sessionId()).putLong(queue.endpointKey()).putLong(sequence).array());
    }

    static Bytes dueKey(Instant at, Queue queue) {
        return Bytes.wrap(ByteBuffer.allocate(24).putLong(at.toEpochMilli()).putLong(queue.sessionId()).putLong(queue.endpointKey()).array());
    }

    private static Queue queueOf(Bytes dueKey) {
        ByteBuffer b = ByteBuffer.wrap(dueKey.get());
        b.getLong();
        return new Queue(b.getLong(), b.getLong());
    }
}
