package dev.kassa.relay.stream;

import dev.kassa.model.SessionFold;
import dev.kassa.observability.LogContext;
import dev.kassa.relay.delivery.AttemptOutcomes;
import dev.kassa.relay.delivery.DeliveryDecider;
import dev.kassa.relay.delivery.DeliveryLanes;
import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.model.WebhookPayload;
import dev.kassa.model.WebhookTypes;
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
import java.util.concurrent.ConcurrentLinkedQueue;
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

    private final RelaySettings settings;
    private final DeliveryLanes lanes;
    private final AttemptSink sink;
    private final EndpointThrottle throttle;
    private final DeliveryDecider decider;
    /** Deciders for merchants with their own retry schedule, by schedule text. */
    private final Map<String, DeliveryDecider> merchantDeciders = new ConcurrentHashMap<>();
    /** Queue → "eventId#attempt" in flight. Not stored: after a crash the due head is simply sent again. */
    private final Map<Queue, String> inFlight = new HashMap<>();
    /** Queues whose attempt was handed back unsent (the endpoint's circuit opened): no longer in flight. */
    private final ConcurrentLinkedQueue<Queue> unsent = new ConcurrentLinkedQueue<>();
    private boolean migrated;

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<Long, Merchant> merchants;
    private KeyValueStore<Long, WebhookEndpointStatus> endpointStatus;
    private KeyValueStore<Long, SessionState> sessions;
    private KeyValueStore<Bytes, WebhookDelivery> deliveries;
    private DueIndex due;
    private QueueLengths lengths;
    private KeyValueStore<Bytes, WebhookDelivery> legacyDeliveries;
    private KeyValueStore<Bytes, Long> legacyDue;
    private KeyValueStore<Bytes, Long> timeOrderedDue;
    private KeyValueStore<Long, Long> failingSince;

    /** One session's queue to one endpoint. */
    record Queue(long sessionId, long endpointKey) {
    }

    DeliveryProcessor(RelaySettings settings, DeliveryLanes lanes, AttemptSink sink, EndpointThrottle throttle) {
        this.settings = settings;
        this.lanes = lanes;
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
        due = new DueIndex(context.getStateStore(RelayTopology.DUE_STORE));
        lengths = new QueueLengths(context.getStateStore(RelayTopology.QUEUE_LENGTHS_STORE));
        legacyDeliveries = context.getStateStore(RelayTopology.LEGACY_DELIVERIES_STORE);
        legacyDue = context.getStateStore(RelayTopology.LEGACY_DUE_STORE);
        timeOrderedDue = context.getStateStore(RelayTopology.TIME_ORDERED_DUE_STORE);
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
        DeliveryDecider rules = deciderFor(request.getMerchantId());
        lanes.submit(request.getMerchantId(), endpointKey, http).whenComplete((outcome, error) -> sink.attempted(answered(http, rules,
                request.getMerchantId(), request.getSequence(), outcome, error)));
    }

    /** An answered attempt's record, as {@code rules} (the merchant's schedule, read when it was sent) rule on it, at the relay's clock. */
    private WebhookAttempt answered(Dispatcher.Request request, DeliveryDecider rules, long merchantId, long sequence,
                                    Dispatcher.Outcome outcome, Throwable error) {
        Dispatcher.Outcome result = error == null ? outcome : new Dispatcher.Outcome(null, 0, "dispatch failed: " + error, null);
        Instant at = settings.clock().instant();
        DeliveryDecider.Outcome decided = (DeliveryDecider.Outcome) rules.decide(null,
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
        String type = WebhookTypes.of(event);
        if (type == null) {
            return; // an internal step (a refund's reservation) or a status the merchant already has: nothing to announce
        }
        String status = SessionView.status(state.getStatus());
        Instant now = settings.clock().instant();
        ByteBuffer body = null;
        for (WebhookEndpoints.Endpoint endpoint : endpoints) {
            if (!endpoint.accepts(status, type)) {
                continue; // not an event this endpoint asked for
            }
            if (body == null) {
                body = ByteBuffer.wrap(WebhookPayload.body(event, state)); // one body, the same bytes for every endpoint
            }
            Queue queue = new Queue(event.getSessionId(), endpoint.key());
            int length = lengths.added(queue); // 0: not counted yet (the first scan after an upgrade counts them)
            boolean idle = length == 0 ? firstQueued(queue) == null : length == 1;
            WebhookDelivery delivery = new WebhookDelivery(event.getEventId(), event.getSessionId(), event.getMerchantId(),
                    event.getSequence(), body, 0, now, now, endpoint.key());
            deliveries.put(deliveryKey(queue, event.getSequence()), delivery);
            if (idle) {
                due.put(now, queue, event.getMerchantId());
            }
        }
    }

    /** How often the backlog is counted for the metrics, and how many queued heads a count looks at, at most. */
    private static final Duration BACKLOG_INTERVAL = Duration.ofSeconds(5);
    private static final int BACKLOG_SCAN_CAP = 10_000;
    /** How soon a disabled endpoint's heads are looked at again (SPEC.md: resumed within 2 s of re-enabling). */
    private static final Duration HELD_LOOK_AGAIN = Duration.ofSeconds(1);

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
                Queue queue = DueIndex.queueOf(entry.key);
                WebhookDelivery head = head(queue);
                DeliveryDecider.Endpoint endpoint = head == null ? null : endpoint(head.getMerchantId(), queue.endpointKey(), now);
                if (endpoint != null && (endpoint.url() == null || endpoint.disabledReason() != null)) {
                    dueToDisabled++; // held for a disabled endpoint, whenever it is next looked at
                } else if (DueIndex.dueAtMillis(entry.key) <= now.toEpochMilli()) {
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

    /**
     * Hands due heads to the lanes, endpoint by endpoint (a different one first at each scan): each endpoint gets what
     * its lane has room for (none while its circuit is open), so one endpoint's backlog never stands in front of
     * another's. A disabled endpoint's heads stay as they are (no write) and are looked at again within a second.
     */
    private void dispatchDue(Instant now) {
        if (!migrated) {
            OlderQueues.migrate(legacyDeliveries, legacyDue, timeOrderedDue, deliveries, due, this::head);
            lengths.countOnce(deliveries);
            migrated = true;
        }
        for (Queue queue; (queue = unsent.poll()) != null; ) {
            inFlight.remove(queue);
        }
        int room = settings.maxInFlight() - inFlight.size();
        for (Map.Entry<Long, DueIndex.Queued> endpoint : due.dueEndpoints(now)) {
            if (room <= 0) {
                return;
            }
            room -= dispatchDue(endpoint.getKey(), endpoint.getValue().merchantId, now, room);
        }
    }

    /** Dispatches up to {@code room} due heads of one endpoint; how many it took. */
    private int dispatchDue(long endpointKey, long merchantId, Instant now, int room) {
        int free = lanes.room(merchantId, endpointKey);
        if (free <= 0) {
            return 0; // slots full or circuit open: nothing of it is read
        }
        DeliveryDecider.Endpoint endpoint = endpoint(merchantId, endpointKey, now);
        // The merchant's record decoded once per endpoint and scan, not per head and answer (~3 % of the relay's CPU).
        DeliveryDecider rules = deciderFor(merchantId);
        String endpointId = WebhookEndpoints.id(endpointKey);
        int taken = 0;
        boolean anyDue = false;
        List<Bytes> empty = new ArrayList<>();
        try (KeyValueIterator<Bytes, Long> it = due.due(endpointKey, now)) {
            while (it.hasNext() && taken < room && free > 0) {
                KeyValue<Bytes, Long> entry = it.next();
                if (!anyDue) {
                    due.firstAt(endpointKey, DueIndex.dueAtMillis(entry.key));
                }
                anyDue = true;
                Queue queue = DueIndex.queueOf(entry.key);
                if (inFlight.containsKey(queue)) {
                    continue; // this task's own heads in flight: at most its share of the lane
                }
                WebhookDelivery head = head(queue);
                if (head == null) {
                    empty.add(entry.key);
                    continue;
                }
                DeliveryDecider.Decision decision = rules.decide(view(head), new DeliveryDecider.Due(endpoint), now);
                if (decision instanceof DeliveryDecider.Hold) {
                    // Disabled: every head keeps its place and its attempts; re-enabling resumes them within a second.
                    due.notBefore(endpointKey, now.plus(HELD_LOOK_AGAIN));
                    break;
                }
                if (decision instanceof DeliveryDecider.NotAttempted parked) {
                    inFlight.put(queue, head.getEventId() + "#" + parked.attempt());
                    sink.attempted(AttemptOutcomes.notAttempted(head.getEventId(), queue.sessionId(), head.getMerchantId(), head.getSequence(),
                            parked.attempt(), parked.url(), now, AttemptOutcome.PARKED, parked.why(), endpointId));
                    taken++;
                    continue;
                }
                if (!throttle.tryAcquire(endpointKey, endpoint)) {
                    break; // over the endpoint's deliveries per second: the rest stay due for the next scan
                }
                send(queue, head, (DeliveryDecider.Send) decision, endpointId, rules);
                taken++;
                free--;
            }
        }
        empty.forEach(due::delete);
        if (!anyDue) {
            due.nothingDue(endpointKey);
        }
        return taken;
    }

    private void send(Queue queue, WebhookDelivery head, DeliveryDecider.Send send, String endpointId, DeliveryDecider rules) {
        byte[] body = new byte[head.getBody().remaining()];
        head.getBody().duplicate().get(body);
        Dispatcher.Request request = new Dispatcher.Request(head.getEventId(), queue.sessionId(), body, send.attempt(),
                send.url(), send.secret(), send.previousSecret(), false, endpointId);
        String attemptKey = head.getEventId() + "#" + send.attempt();
        inFlight.put(queue, attemptKey);
        long merchantId = head.getMerchantId();
        long sequence = head.getSequence();
        Instant enqueuedAt = head.getCreatedAt();
        lanes.submit(merchantId, queue.endpointKey(), request).whenComplete((outcome, error) -> {
            if (error == null && !outcome.sent()) {
                unsent.add(queue); // never attempted: the head stays due, in its place
                return;
            }
            WebhookAttempt record = answered(request, rules, merchantId, sequence, outcome, error);
            RelayMetrics.attempt(record.getOutcome(), record.getOutcome() == AttemptOutcome.DELIVERED
                    ? Duration.between(enqueuedAt, record.getAttemptedAt()) : null, error == null ? outcome : null);
            sink.attempted(record);
            if (record.getOutcome() == AttemptOutcome.ENDPOINT_DISABLED) {
                sink.endpointDisabled(EndpointDisabledNotice.fact(merchantId, queue.endpointKey(), request.url(),
                        "410 Gone from " + request.url() + " at " + record.getAttemptedAt(), record.getAttemptedAt()));
            }
        });
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
            return new DeliveryDecider.Endpoint(true, endpoint.url(), keyring.open(SecretKeyring.Binding.endpoint(merchantId, endpoint.key()), endpoint.secret()),
                    keyring.open(SecretKeyring.Binding.endpoint(merchantId, endpoint.key()), endpoint.previousSecretAt(now)), endpoint.disabledReason(), null, endpoint.maxPerSecond());
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
        due.delete(head.getNextAttemptAt(), queue);
        if (decision instanceof DeliveryDecider.Advance advance) {
            deliveries.put(deliveryKey(queue, head.getSequence()), scheduled(head, advance.head().attempts(), advance.head().nextAttemptAt()));
            due.put(advance.head().nextAttemptAt(), queue, head.getMerchantId());
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
        WebhookDelivery next = lengths.removed(queue) == 0 ? null : firstQueued(queue);
        if (next != null) {
            Instant now = settings.clock().instant();
            deliveries.put(deliveryKey(queue, next.getSequence()), scheduled(next, next.getAttempts(), now));
            due.put(now, queue, next.getMerchantId());
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
            if (failingSince.get(endpointKey) != null) {
                failingSince.delete(endpointKey); // a read, not a changelog write, for every delivery to a healthy endpoint
            }
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
            sink.endpointDisabled(EndpointDisabledNotice.fact(attempt.getMerchantId(), endpointKey, endpoint.url(), reason, at));
            failingSince.put(endpointKey, at.toEpochMilli());
            tellOtherEndpoints(attempt.getMerchantId(), endpointKey, endpoint.url(), reason, at);
        }
    }

    /** Tells the merchant's other enabled endpoints that this one was disabled ({@link EndpointDisabledNotice}). */
    private void tellOtherEndpoints(long merchantId, long disabledKey, String url, String reason, Instant at) {
        Merchant merchant = merchants.get(merchantId);
        EndpointDisabledNotice.to(merchantId, WebhookEndpoints.of(merchant, endpointStatus::get), disabledKey, url, reason, at)
                .forEach(this::redeliver);
    }

    /** The same delivery (the same body bytes, not a copy) tried {@code attempts} times and due at {@code next}. */
    private static WebhookDelivery scheduled(WebhookDelivery d, int attempts, Instant next) {
        // The all-fields constructor, not a builder: a builder deep-copies the body (measured: docs/BENCHMARKS.md).
        return new WebhookDelivery(d.getEventId(), d.getSessionId(), d.getMerchantId(), d.getSequence(), d.getBody(), attempts,
                next, d.getCreatedAt(), d.getEndpointKey());
    }

    private WebhookDelivery head(Queue queue) { // a point lookup first: a range read of an empty queue is a long seek
        return lengths.maybeQueued(queue) ? firstQueued(queue) : null;
    }

    /** The queue's lowest webhook, read as a range: quick when the queue holds one, a long seek when it is empty. */
    private WebhookDelivery firstQueued(Queue queue) {
        try (KeyValueIterator<Bytes, WebhookDelivery> it = deliveries.range(deliveryKey(queue, 0), deliveryKey(queue, Long.MAX_VALUE))) {
            return it.hasNext() ? it.next().value : null;
        }
    }

    static Bytes deliveryKey(Queue queue, long sequence) {
        return Bytes.wrap(ByteBuffer.allocate(24).putLong(queue.sessionId()).putLong(queue.endpointKey()).putLong(sequence).array());
    }
}
