package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.model.RetrySchedule;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's topology under TopologyTestDriver with scripted receivers: ordering, retries, parking, 410, redelivery. */
class RelayTopologyTest {

    private ScriptedReceiver receiver;
    private RelayDriver relay;

    @BeforeEach
    void start() throws Exception {
        relay = new RelayDriver(RetrySchedule.DEFAULT);
        receiver = relay.receiver();
    }

    @AfterEach
    void stop() {
        relay.close();
    }

    @Test
    void a_failing_receiver_gets_the_same_event_id_and_body_until_it_answers_2xx() throws Exception {
        relay.merchant(1, receiver.url("/flaky")).created(1, 100);
        relay.runUntil(() -> receiver.received("/flaky").size() == 3 && relay.attempts(100).size() == 3, Duration.ofMinutes(2));

        List<ScriptedReceiver.Received> got = receiver.received("/flaky");
        assertThat(got).hasSize(3);
        assertThat(got).extracting(ScriptedReceiver.Received::webhookId).containsOnly("evt_100_1");
        assertThat(got.get(1).body()).isEqualTo(got.get(0).body());
        assertThat(got.get(2).body()).isEqualTo(got.get(0).body());
        assertThat(WebhookSigner.verifyXSignature(got.get(2).body(), RelayDriver.SECRET, got.get(2).xSignature())).isTrue();
        // Seed 002's other names for the same signature.
        assertThat(got.get(2).ecomtrade24Signature()).isEqualTo(got.get(2).xSignature());
        assertThat(got.get(2).webhookSignatureSeed002()).isEqualTo(got.get(2).xSignature());
        assertThat(relay.attempts(100)).extracting(WebhookAttempt::getOutcome)
                .containsExactly(AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.DELIVERED);
        assertThat(relay.attempts(100)).extracting(WebhookAttempt::getStatusCode).containsExactly(500, 500, 200);

        JsonNode body = new ObjectMapper().readTree(got.get(0).body());
        assertThat(body.get("event").asText()).isEqualTo("payment.session");
        assertThat(body.get("session_id").asLong()).isEqualTo(100);
        assertThat(body.get("order_id").asText()).isEqualTo("ORDER-100");
        assertThat(body.get("status").asText()).isEqualTo("created");
        assertThat(body.get("amount").asText()).isEqualTo("79.00");
        assertThat(body.get("sequence").asLong()).isEqualTo(1);
        assertThat(body.get("created_at").asText()).isEqualTo("2026-02-25 12:00:00");
        assertThat(body.get("expires_at").asText()).isEqualTo("2026-02-25 12:15:00");
    }

    @Test
    void the_backlog_and_the_oldest_queued_webhook_are_counted_for_the_metrics_and_clear_when_delivered() {
        relay.merchant(1, receiver.url("/flaky")).created(1, 150);
        relay.runUntil(() -> relay.attempts(150).size() == 1, Duration.ofSeconds(10)).step(Duration.ofSeconds(5));
        assertThat(gauge("kassa.webhook.oldest.undelivered.age")).as("a webhook waits for its retry").isPositive();

        relay.runUntil(() -> receiver.received("/flaky").size() == 3, Duration.ofMinutes(2)).step(Duration.ofSeconds(5));
        assertThat(gauge("kassa.webhook.oldest.undelivered.age")).as("delivered: nothing queued").isZero();
        assertThat(KassaMetrics.registry().find("kassa.webhook.backlog").gauges()).hasSize(3)
                .allSatisfy(g -> assertThat(g.value()).isZero());
    }

    private static double gauge(String name) {
        return KassaMetrics.registry().get(name).gauge().value();
    }

    @Test
    void a_410_disables_the_endpoint_as_the_relays_own_fact_and_later_webhooks_wait_without_a_call() throws Exception {
        relay.merchant(2, receiver.url("/gone")).created(2, 200);
        relay.runUntil(() -> !relay.endpointFacts().isEmpty(), Duration.ofSeconds(30));

        assertThat(relay.attempts(200)).extracting(WebhookAttempt::getOutcome).containsExactly(AttemptOutcome.ENDPOINT_DISABLED);
        assertThat(relay.attempts(200).get(0).getEndpointId()).isEqualTo("we_2");
        assertThat(relay.endpointFacts()).singleElement().satisfies(f -> {
            assertThat(f.getMerchantId()).isEqualTo(2);
            assertThat(f.getUrl()).isEqualTo(receiver.url("/gone"));
            assertThat(f.getReason()).startsWith("410 Gone from " + receiver.url("/gone"));
        });

        // Held, not parked: nothing is sent and nothing is recorded while the endpoint is disabled.
        relay.pending(2, 200, 2);
        relay.runUntil(() -> relay.attempts(200).size() > 1, Duration.ofMinutes(2));
        assertThat(relay.attempts(200)).hasSize(1);
        assertThat(receiver.received("/gone")).hasSize(1);
    }

    @Test
    void an_operators_re_enable_after_the_410_resumes_the_held_webhooks_from_the_one_that_got_the_410() throws Exception {
        relay.merchant(7, receiver.url("/gone")).created(7, 700);
        relay.runUntil(() -> !relay.endpointFacts().isEmpty(), Duration.ofSeconds(30));
        relay.step(Duration.ofSeconds(1));
        relay.pending(7, 700, 2);
        relay.runUntil(() -> receiver.received("/gone").size() > 1, Duration.ofMinutes(1));
        assertThat(receiver.received("/gone")).as("still disabled").hasSize(1);

        // The operator re-enables the same URL (the gateway writes the merchant with webhook_enabled_at): the held head,
        // the webhook that got the 410, is tried again first.
        relay.merchant(7, receiver.url("/gone"), relay.now());
        relay.runUntil(() -> receiver.received("/gone").size() == 2, Duration.ofMinutes(1));
        assertThat(receiver.received("/gone")).extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_700_1", "evt_700_1");
    }

    @Test
    void a_slow_receiver_times_out_and_is_tried_again() throws Exception {
        relay.merchant(3, receiver.url("/slow")).created(3, 300);
        relay.runUntil(() -> !relay.attempts(300).isEmpty(), Duration.ofSeconds(30));

        WebhookAttempt first = relay.attempts(300).get(0);
        assertThat(first.getOutcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(first.getError()).isEqualTo("timed out after 800 ms");
        assertThat(first.getNextAttemptAt()).isAfter(first.getAttemptedAt());
    }

    @Test
    void a_redirect_is_a_failure_and_is_not_followed() throws Exception {
        relay.merchant(4, receiver.url("/redirect")).created(4, 400);
        relay.runUntil(() -> !relay.attempts(400).isEmpty(), Duration.ofSeconds(30));

        assertThat(relay.attempts(400).get(0).getStatusCode()).isEqualTo(302);
        assertThat(relay.attempts(400).get(0).getOutcome()).isEqualTo(AttemptOutcome.RETRY_SCHEDULED);
        assertThat(receiver.received("/steal")).isEmpty();
    }

    @Test
    void one_session_waits_on_its_own_failing_webhook_while_other_sessions_are_delivered_in_order() throws Exception {
        relay.merchant(5, receiver.url("/down")).merchant(6, receiver.url("/ok"));
        relay.created(5, 500).pending(5, 500, 2);
        relay.created(6, 600).pending(6, 600, 2).paid(6, 600, 3);
        relay.runUntil(() -> receiver.received("/ok").size() == 3 && relay.attempts(500).size() >= 2, Duration.ofMinutes(2));

        assertThat(receiver.received("/ok")).extracting(ScriptedReceiver.Received::webhookId).containsExactly("evt_600_1", "evt_600_2", "evt_600_3");
        assertThat(receiver.received("/down")).extracting(ScriptedReceiver.Received::webhookId).containsOnly("evt_500_1");
        assertThat(relay.attempts(500)).extracting(WebhookAttempt::getOutcome).containsOnly(AttemptOutcome.RETRY_SCHEDULED);
    }

    @Test
    void after_the_last_attempt_the_webhook_is_parked_and_the_session_moves_on() throws Exception {
        relay.close();
        relay = new RelayDriver(new RetrySchedule(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2))));
        receiver = relay.receiver();
        relay.merchant(7, receiver.url("/down")).created(7, 700).pending(7, 700, 2);
        relay.runUntil(() -> receiver.received("/down").stream().anyMatch(r -> r.webhookId().equals("evt_700_2")), Duration.ofSeconds(60));

        assertThat(relay.attempts(700).stream().filter(a -> a.getEventId().equals("evt_700_1")))
                .extracting(WebhookAttempt::getOutcome)
                .containsExactly(AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.RETRY_SCHEDULED, AttemptOutcome.PARKED);
    }

    @Test
    void a_redelivery_sends_the_same_id_and_body_again_marked_and_outside_the_queue() throws Exception {
        relay.merchant(8, receiver.url("/ok")).created(8, 800).paid(8, 800, 2);
        relay.runUntil(() -> receiver.received("/ok").size() == 2, Duration.ofSeconds(30));
        ScriptedReceiver.Received original = receiver.received("/ok").get(1);
        JsonNode paid = new ObjectMapper().readTree(original.body());
        assertThat(paid.get("status").asText()).isEqualTo("paid");
        assertThat(paid.get("amount").asText()).isEqualTo("79.00");
        assertThat(paid.get("paid_amount").asText()).as("what the provider reported, beside the amount").isEqualTo("79.00");

        relay.redeliver(dev.kassa.log.Redeliveries.select(relay.eventLog(),
                new dev.kassa.log.Redeliveries.Selection(null, "evt_800_2", null, null), "operator:ops", RelayDriver.T0));
        relay.runUntil(() -> receiver.received("/ok").size() == 3 && relay.attempts(800).size() == 3, Duration.ofSeconds(30));

        ScriptedReceiver.Received again = receiver.received("/ok").get(2);
        assertThat(again.webhookId()).isEqualTo("evt_800_2");
        assertThat(again.body()).isEqualTo(original.body());
        assertThat(again.redelivery()).isEqualTo("true");
        assertThat(original.redelivery()).isNull();
        assertThat(relay.attempts(800).get(2).getRedelivery()).isTrue();
        assertThat(relay.attempts(800).get(2).getOutcome()).isEqualTo(AttemptOutcome.DELIVERED);
    }
}
