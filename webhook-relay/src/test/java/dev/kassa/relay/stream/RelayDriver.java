package dev.kassa.relay.stream;

import dev.kassa.model.RetrySchedule;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The relay under TopologyTestDriver with a scripted dispatcher ({@link ScriptedReceiver}: no sockets, no sleeps);
 * attempts are fed back as the attempts topic would.
 */
final class RelayDriver implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-02-25T12:00:00Z");
    static final String SECRET = "whsec_dGVzdC1tZXJjaGFudC1zZWNyZXQ=";

    private final MutableClock clock = new MutableClock(T0);
    private final ConcurrentLinkedQueue<Object> sunk = new ConcurrentLinkedQueue<>();
    private final ScriptedReceiver dispatcher;
    private final TopologyTestDriver driver;
    private final TestInputTopic<Long, Merchant> merchants;
    private final TestInputTopic<SessionEventKey, SessionEvent> events;
    private final TestInputTopic<Long, WebhookAttempt> attempts;
    private final TestInputTopic<Long, dev.kassa.schemas.avro.RedeliveryRequest> redeliveries;
    private final List<SessionEvent> eventLog = new ArrayList<>();
    private final List<WebhookAttempt> attemptLog = new ArrayList<>();
    private final TestInputTopic<Long, WebhookEndpointStatus> endpointStatus;
    private final List<WebhookEndpointStatus> endpointFacts = new ArrayList<>();

    RelayDriver(RetrySchedule schedule) {
        this(schedule, RelaySettings.DEFAULT_DISABLE_AFTER, dev.kassa.relay.delivery.DeliveryDecider.DEFAULT_HOLD);
    }

    /** With an endpoint's time to be disabled without a success, and how often a held webhook looks again. */
    RelayDriver(RetrySchedule schedule, Duration disableAfter, Duration hold) {
        dispatcher = new ScriptedReceiver(clock);
        AttemptSink sink = new AttemptSink() {
            @Override
            public void attempted(WebhookAttempt attempt) {
                sunk.add(attempt);
            }

            @Override
            public void endpointDisabled(WebhookEndpointStatus status) {
                sunk.add(status);
            }
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "relay-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(RelayTopology.build(new RelaySettings(Duration.ofMillis(50), 100, schedule, clock)
                .withEndpointHealth(disableAfter, hold), dispatcher, sink),
                props, T0);
        merchants = driver.createInputTopic(Topics.MERCHANTS.name(), Topics.MERCHANTS.keySerde().serializer(), Topics.MERCHANTS.valueSerde().serializer());
        endpointStatus = driver.createInputTopic(Topics.WEBHOOK_ENDPOINT_STATUS.name(), Topics.WEBHOOK_ENDPOINT_STATUS.keySerde().serializer(),
                Topics.WEBHOOK_ENDPOINT_STATUS.valueSerde().serializer());
        events = driver.createInputTopic(Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().serializer(),
                Topics.SESSION_EVENTS.valueSerde().serializer());
        attempts = driver.createInputTopic(Topics.WEBHOOK_ATTEMPTS.name(), Topics.WEBHOOK_ATTEMPTS.keySerde().serializer(),
                Topics.WEBHOOK_ATTEMPTS.valueSerde().serializer());
        redeliveries = driver.createInputTopic(Topics.WEBHOOK_REDELIVERIES.name(), Topics.WEBHOOK_REDELIVERIES.keySerde().serializer(),
                Topics.WEBHOOK_REDELIVERIES.valueSerde().serializer());
    }

    /** Every event piped so far, as the events topic would hold them. */
    List<SessionEvent> eventLog() {
        return List.copyOf(eventLog);
    }

    RelayDriver redeliver(List<dev.kassa.schemas.avro.RedeliveryRequest> requests) {
        requests.forEach(r -> redeliveries.pipeInput(r.getSessionId(), r, clock.instant()));
        return this;
    }

    RelayDriver merchant(long id, String url) {
        return merchant(id, url, null);
    }

    /** The gateway writes the merchant; {@code enabledAt}: when it last set the URL or re-enabled the endpoint. */
    RelayDriver merchant(long id, String url, Instant enabledAt) {
        merchants.pipeInput(id, Merchant.newBuilder().setMerchantId(id).setEmail("m" + id + "@example.com")
                .setApiKeyHash("sha256:00").setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO)
                .setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(url).setWebhookSecret(SECRET).setWebhookEnabledAt(enabledAt)
                .setCreatedAt(T0).setUpdatedAt(enabledAt == null ? T0 : enabledAt).build(), clock.instant());
        return this;
    }

    /** The gateway writes this merchant record as it is (endpoints, filters, schedule). */
    RelayDriver merchant(Merchant merchant) {
        merchants.pipeInput(merchant.getMerchantId(), merchant, clock.instant());
        return this;
    }

    /** A merchant record with the first endpoint at {@code url}, to change further before {@link #merchant(Merchant)}. */
    static Merchant.Builder merchantRecord(long id, String url) {
        return Merchant.newBuilder().setMerchantId(id).setEmail("m" + id + "@example.com")
                .setApiKeyHash("sha256:00").setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO)
                .setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(url).setWebhookSecret(SECRET)
                .setCreatedAt(T0).setUpdatedAt(T0);
    }

    /** Changes to the relay's own stores, as a restart would find them (e.g. queues written before endpoints). */
    <K, V> org.apache.kafka.streams.state.KeyValueStore<K, V> store(String name) {
        return driver.getKeyValueStore(name);
    }

    Instant now() {
        return clock.instant();
    }

    RelayDriver created(long merchant, long session) {
        return event(merchant, session, 1, SessionStatus.CREATED, null, SessionCreated.newBuilder().setOrderId("ORDER-" + session)
                .setAmountMinor(7900).setCurrency("EUR").setShopDomain("shop.example").setCustomerEmail("buyer@example.com")
                .setExpiresAt(T0.plusSeconds(900)).setGraceSeconds(1800).build());
    }

    RelayDriver pending(long merchant, long session, long sequence) {
        return event(merchant, session, sequence, SessionStatus.PENDING, SessionStatus.CREATED, new PaymentPending("att", "card", "sandbox", null, null, null));
    }

    RelayDriver paid(long merchant, long session, long sequence) {
        return event(merchant, session, sequence, SessionStatus.PAID, SessionStatus.PENDING,
                new PaymentSucceeded("sandbox", "cb", "pp", 7900L, "EUR", Map.of("txid", "0xabc"), false, "att", null));
    }

    private RelayDriver event(long merchant, long session, long sequence, SessionStatus status, SessionStatus previous, Object payload) {
        SessionEvent event = SessionEvent.newBuilder().setEventId("evt_" + session + "_" + sequence)
                .setSessionId(session).setMerchantId(merchant).setSequence(sequence).setOccurredAt(clock.instant())
                .setStatus(status).setPreviousStatus(previous).setCause(new EventCause("c" + sequence, "Test", "test", "d"))
                .setPayload(payload).build();
        eventLog.add(event);
        events.pipeInput(new SessionEventKey(session, sequence), event, clock.instant());
        return this;
    }

    /** The merchants' endpoints, scripted. */
    ScriptedReceiver receiver() {
        return dispatcher;
    }

    /** Moves the test clock in small steps, feeding finished attempts back, until {@code done} holds or {@code limit} passes. */
    RelayDriver runUntil(BooleanSupplier done, Duration limit) {
        Instant end = clock.instant().plus(limit);
        while (!done.getAsBoolean() && clock.instant().isBefore(end)) {
            step(Duration.ofMillis(250));
        }
        return this;
    }

    /** Advances the test clock by {@code by} (the punctuator runs, the scripted receivers answer at once), then feeds results back. */
    RelayDriver step(Duration by) {
        clock.advance(by);
        driver.advanceWallClockTime(by);
        Object next;
        while ((next = sunk.poll()) != null) {
            if (next instanceof WebhookAttempt attempt) {
                attemptLog.add(attempt);
                attempts.pipeInput(attempt.getSessionId(), attempt, clock.instant());
            } else if (next instanceof WebhookEndpointStatus status) {
                endpointFacts.add(status);
                endpointStatus.pipeInput(status.getEndpointKey() != null ? status.getEndpointKey() : status.getMerchantId(), status,
                        clock.instant());
            }
        }
        return this;
    }

    List<WebhookAttempt> attempts(long session) {
        return attemptLog.stream().filter(a -> a.getSessionId() == session).toList();
    }

    /** What the relay published about endpoints (it never writes merchant records: the sink has no way to). */
    List<WebhookEndpointStatus> endpointFacts() {
        return endpointFacts;
    }

    @Override
    public void close() {
        driver.close();
        dispatcher.close();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
