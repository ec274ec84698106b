package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.model.RetrySchedule;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookDelivery;
import dev.kassa.schemas.avro.WebhookEndpoint;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several endpoints per merchant, under TopologyTestDriver with scripted receivers (SPEC.md, "Webhook endpoints"). */
class EndpointDeliveryTest {

    private static final String SECOND_SECRET = "whsec_c2Vjb25kLWVuZHBvaW50LXNlY3JldA==";
    private static final long SECOND = 9_001;

    private RelayDriver relay;

    @AfterEach
    void stop() {
        relay.close();
    }

    private static WebhookEndpoint endpoint(long key, String url, List<String> filter) {
        return WebhookEndpoint.newBuilder().setEndpointKey(key).setUrl(url).setSecret(SECOND_SECRET).setEventFilter(filter)
                .setEnabled(true).setEnabledAt(RelayDriver.T0).setCreatedAt(RelayDriver.T0).build();
    }

    @Test
    void each_endpoint_receives_exactly_the_events_its_filter_names_signed_with_its_own_secret() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(RelayDriver.merchantRecord(1, receiver.url("/ok-paid")).setWebhookEventFilter(List.of("paid"))
                .setWebhookEndpoints(List.of(endpoint(SECOND, receiver.url("/ok-all"), List.of("*")))).build());
        relay.created(1, 100).pending(1, 100, 2).paid(1, 100, 3);
        relay.runUntil(() -> receiver.received("/ok-all").size() == 3 && receiver.received("/ok-paid").size() == 1, Duration.ofSeconds(30));
        relay.step(Duration.ofSeconds(5));

        assertThat(receiver.received("/ok-paid")).extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_100_3");
        assertThat(receiver.received("/ok-all")).extracting(ScriptedReceiver.Received::webhookId)
                .containsExactly("evt_100_1", "evt_100_2", "evt_100_3");
        ScriptedReceiver.Received paid = receiver.received("/ok-paid").get(0);
        assertThat(WebhookSigner.verifyXSignature(paid.body(), RelayDriver.SECRET, paid.xSignature())).isTrue();
        assertThat(WebhookSigner.verifyXSignature(paid.body(), SECOND_SECRET, paid.xSignature())).isFalse();
        ScriptedReceiver.Received all = receiver.received("/ok-all").get(2);
        assertThat(WebhookSigner.verifyXSignature(all.body(), SECOND_SECRET, all.xSignature())).isTrue();
        // The same event has the same body at every endpoint.
        assertThat(all.body()).isEqualTo(paid.body());
        assertThat(relay.attempts(100)).extracting(WebhookAttempt::getEndpointId)
                .containsExactlyInAnyOrder("we_1", "we_" + SECOND, "we_" + SECOND, "we_" + SECOND);
        assertThat(relay.attempts(100)).allSatisfy(a -> assertThat(a.getResponseExcerpt()).isEqualTo("{\"received\":true}"));
    }

    @Test
    void an_endpoint_that_fails_does_not_delay_another() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(RelayDriver.merchantRecord(2, receiver.url("/down"))
                .setWebhookEndpoints(List.of(endpoint(SECOND, receiver.url("/ok"), List.of("*")))).build());
        relay.created(2, 200).pending(2, 200, 2).paid(2, 200, 3);
        relay.runUntil(() -> receiver.received("/ok").size() == 3, Duration.ofSeconds(5));

        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId)
                .containsExactly("evt_200_1", "evt_200_2", "evt_200_3");
        // The failing endpoint is still on its first webhook, retrying on its own schedule.
        assertThat(receiver.received("/down")).extracting(ScriptedReceiver.Received::webhookId).containsOnly("evt_200_1");
    }

    @Test
    void an_endpoint_without_a_success_for_the_limit_is_disabled_holds_its_backlog_and_resumes_it_in_order_when_enabled() {
        relay = new RelayDriver(new RetrySchedule(java.util.Collections.nCopies(20, Duration.ofSeconds(2))),
                Duration.ofSeconds(10), Duration.ofSeconds(1));
        ScriptedReceiver receiver = relay.receiver();
        String path = "/switch/a";
        relay.merchant(RelayDriver.merchantRecord(3, receiver.url("/ok"))
                .setWebhookEndpoints(List.of(endpoint(SECOND, receiver.url(path), List.of("*")))).build());
        relay.created(3, 300);
        relay.runUntil(() -> !relay.endpointFacts().isEmpty(), Duration.ofMinutes(1));

        assertThat(relay.endpointFacts()).singleElement().satisfies(f -> {
            assertThat(f.getEndpointKey()).isEqualTo(SECOND);
            assertThat(f.getReason()).startsWith("no successful delivery since");
        });
        int triedWhileDown = receiver.received(path).size();
        relay.pending(3, 300, 2).paid(3, 300, 3);
        relay.runUntil(() -> receiver.received(path).size() > triedWhileDown, Duration.ofSeconds(30));
        assertThat(receiver.received(path)).as("disabled: nothing is sent").hasSize(triedWhileDown);
        assertThat(relay.attempts(300).stream().filter(a -> a.getOutcome() == AttemptOutcome.PARKED)).as("and nothing parked").isEmpty();
        // The first endpoint went on meanwhile, and was told, signed with its own secret, that the other was disabled.
        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId).hasSize(4)
                .contains("evt_300_1", "evt_300_2", "evt_300_3").anyMatch(id -> id.startsWith("evt_endpoint_disabled_" + SECOND));
        ScriptedReceiver.Received notice = receiver.received("/ok").stream()
                .filter(r -> r.webhookId().startsWith("evt_endpoint_disabled_")).findFirst().orElseThrow();
        assertThat(new String(notice.body())).contains("\"type\":\"webhook_endpoint.disabled\"").contains("\"endpoint_id\":\"we_" + SECOND);
        assertThat(WebhookSigner.verifyXSignature(notice.body(), RelayDriver.SECRET, notice.xSignature())).isTrue();

        // The receiver is back and the operator enables the endpoint: its backlog arrives, in order, once each.
        receiver.up(path, true);
        relay.merchant(RelayDriver.merchantRecord(3, receiver.url("/ok"))
                .setWebhookEndpoints(List.of(WebhookEndpoint.newBuilder(endpoint(SECOND, receiver.url(path), List.of("*")))
                        .setEnabledAt(relay.now()).build())).build());
        relay.runUntil(() -> receiver.received(path).size() == triedWhileDown + 3, Duration.ofSeconds(30));
        relay.step(Duration.ofSeconds(5));
        assertThat(receiver.received(path).subList(triedWhileDown, receiver.received(path).size()))
                .extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_300_1", "evt_300_2", "evt_300_3");
    }

    @Test
    void a_merchants_own_retry_schedule_replaces_the_relays() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(RelayDriver.merchantRecord(4, receiver.url("/down")).setWebhookRetrySchedule("1s").build());
        relay.created(4, 400);
        relay.runUntil(() -> relay.attempts(400).size() == 2, Duration.ofSeconds(30));

        // One delay: tried twice, about a second apart (the relay's schedule would wait 5 s), then parked.
        assertThat(relay.attempts(400)).extracting(WebhookAttempt::getOutcome)
                .containsExactly(AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.PARKED);
        Duration between = Duration.between(relay.attempts(400).get(0).getAttemptedAt(), relay.attempts(400).get(1).getAttemptedAt());
        assertThat(between).isBetween(Duration.ofMillis(750), Duration.ofMillis(1750));
    }

    @Test
    void webhooks_queued_before_endpoints_are_moved_to_the_first_endpoint_and_delivered_once() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(5, receiver.url("/ok"));
        // What an older relay left in its stores: one queue per session, keyed by session and sequence.
        org.apache.kafka.streams.state.KeyValueStore<Bytes, WebhookDelivery> legacy = relay.store(RelayTopology.LEGACY_DELIVERIES_STORE);
        for (long sequence = 1; sequence <= 2; sequence++) {
            legacy.put(Bytes.wrap(ByteBuffer.allocate(16).putLong(500).putLong(sequence).array()),
                    WebhookDelivery.newBuilder().setEventId("evt_500_" + sequence).setSessionId(500).setMerchantId(5).setSequence(sequence)
                            .setBody(ByteBuffer.wrap(("{\"sequence\":" + sequence + "}").getBytes())).setAttempts(0)
                            .setNextAttemptAt(relay.now()).setCreatedAt(relay.now()).build());
        }
        relay.runUntil(() -> receiver.received("/ok").size() == 2, Duration.ofSeconds(10));
        relay.step(Duration.ofSeconds(5));

        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_500_1", "evt_500_2");
        try (var left = legacy.all()) {
            assertThat(left.hasNext()).as("the old store is emptied").isFalse();
        }
    }

    @Test
    void heads_due_in_the_index_by_time_are_moved_to_the_index_by_endpoint_and_delivered_in_order() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(6, receiver.url("/ok"));
        // What the relay before the index by endpoint left: a queue per session and endpoint, its head due by time.
        org.apache.kafka.streams.state.KeyValueStore<Bytes, Long> byTime = queueBeforeTheIndexByEndpoint(600, 6);

        relay.runUntil(() -> receiver.received("/ok").size() == 2, Duration.ofSeconds(10));

        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_600_1", "evt_600_2");
        try (var left = byTime.all()) {
            assertThat(left.hasNext()).as("the old index is emptied").isFalse();
        }
    }

    @Test
    void queues_written_before_their_lengths_were_kept_are_counted_once_and_each_count_leaves_with_its_last_webhook() {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        ScriptedReceiver receiver = relay.receiver();
        relay.merchant(7, receiver.url("/ok"));
        // A queue as the relay before QueueLengths left it: two webhooks, no count (uncounted, the second would never go).
        queueBeforeTheIndexByEndpoint(700, 7);

        relay.runUntil(() -> receiver.received("/ok").size() == 2, Duration.ofSeconds(10));
        // Counted from now on: a new session's webhooks come and go with their counts.
        relay.created(7, 701).pending(7, 701, 2);
        relay.runUntil(() -> receiver.received("/ok").size() == 4, Duration.ofSeconds(10));
        relay.step(Duration.ofSeconds(5));

        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId)
                .containsExactly("evt_700_1", "evt_700_2", "evt_701_1", "evt_701_2");
        org.apache.kafka.streams.state.KeyValueStore<Bytes, Integer> lengths = relay.store(RelayTopology.QUEUE_LENGTHS_STORE);
        java.util.List<Bytes> left = new java.util.ArrayList<>();
        try (var all = lengths.all()) {
            all.forEachRemaining(entry -> left.add(entry.key));
        }
        assertThat(left).as("only the marker that the queues were counted: no count outlives its queue")
                .containsExactly(Bytes.wrap(new byte[0]));
    }

    /** Two webhooks of {@code session} queued for merchant {@code merchant}'s first endpoint, their head due by time. */
    private org.apache.kafka.streams.state.KeyValueStore<Bytes, Long> queueBeforeTheIndexByEndpoint(long session, long merchant) {
        org.apache.kafka.streams.state.KeyValueStore<Bytes, WebhookDelivery> queues = relay.store(RelayTopology.DELIVERIES_STORE);
        org.apache.kafka.streams.state.KeyValueStore<Bytes, Long> byTime = relay.store(RelayTopology.TIME_ORDERED_DUE_STORE);
        for (long sequence = 1; sequence <= 2; sequence++) {
            queues.put(DeliveryProcessor.deliveryKey(new DeliveryProcessor.Queue(session, merchant), sequence),
                    WebhookDelivery.newBuilder().setEventId("evt_" + session + "_" + sequence).setSessionId(session).setMerchantId(merchant)
                            .setSequence(sequence).setBody(ByteBuffer.wrap(("{\"sequence\":" + sequence + "}").getBytes())).setAttempts(0)
                            .setNextAttemptAt(relay.now()).setCreatedAt(relay.now()).setEndpointKey(merchant).build());
        }
        byTime.put(Bytes.wrap(ByteBuffer.allocate(24).putLong(relay.now().toEpochMilli()).putLong(session).putLong(merchant).array()), merchant);
        return byTime;
    }
}
