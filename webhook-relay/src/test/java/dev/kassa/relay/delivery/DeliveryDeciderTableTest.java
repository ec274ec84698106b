package dev.kassa.relay.delivery;

import dev.kassa.model.RetrySchedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.AttemptOutcome;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The webhook delivery decider as its table: one row per case, in the three inputs' order. Schedule: 1 s, 10 s, 60 s
 * (three retries, jitter ±20 %); the head has been tried {@code tried} times.
 */
class DeliveryDeciderTableTest {

    private static final Instant NOW = Instant.parse("2026-02-25T12:00:00Z");
    private static final DeliveryDecider DECIDER = new DeliveryDecider(new RetrySchedule(List.of(Duration.ofSeconds(1),
            Duration.ofSeconds(10), Duration.ofSeconds(60))));

    @ParameterizedTest(name = "due, tried {0}, endpoint {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # tried | endpoint                  | decision      | attempt | why
              0     | https://shop.example/hook | send          | 1       |
              2     | https://shop.example/hook | send          | 3       |
              0     | unknown merchant          | not attempted | 1       | the merchant is unknown
              0     | no url                    | not attempted | 1       | the merchant has no webhook URL
              1     | disabled                  | held          | 1       |
              0     | unreadable secret         | not attempted | 1       | the signing secret cannot be opened: key 'k1' unknown
            """)
    void a_due_head_is_sent_unless_there_is_nowhere_to_send_it(int tried, String endpoint, String decision, int attempt, String why) {
        DeliveryDecider.Endpoint to = switch (endpoint) {
            case "unknown merchant" -> DeliveryDecider.Endpoint.UNKNOWN;
            case "no url" -> new DeliveryDecider.Endpoint(true, null, "s", null, null, null);
            case "disabled" -> new DeliveryDecider.Endpoint(true, "https://shop.example/hook", "s", null, "410 Gone", null);
            case "unreadable secret" -> new DeliveryDecider.Endpoint(true, "https://shop.example/hook", null, null, null, "key 'k1' unknown");
            default -> new DeliveryDecider.Endpoint(true, endpoint, "s", "old", null, null);
        };
        DeliveryDecider.Decision made = DECIDER.decide(head(tried), new DeliveryDecider.Due(to), NOW);
        if (decision.equals("send")) {
            assertThat(made).isEqualTo(new DeliveryDecider.Send(attempt, endpoint, "s", "old"));
        } else if (decision.equals("held")) {
            // Nothing sent, nothing parked: the same head, tried as often as before, looks again after the hold.
            assertThat(made).isEqualTo(new DeliveryDecider.Hold(new DeliveryDecider.Head("evt_1_2", 2, attempt,
                    NOW.plus(DeliveryDecider.DEFAULT_HOLD))));
        } else {
            assertThat(made).isInstanceOfSatisfying(DeliveryDecider.NotAttempted.class, n -> {
                assertThat(n.attempt()).isEqualTo(attempt);
                assertThat(n.why()).isEqualTo(why);
            });
        }
    }

    @ParameterizedTest(name = "attempt {0} answered {1} {2} (redelivery {4}) -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # attempt | status | error      | retry-after s | redelivery | outcome            | next in s (min-max)
              1       | 200    |            |               | false      | DELIVERED          |
              1       | 204    |            |               | false      | DELIVERED          |
              1       | 301    |            |               | false      | RETRY_SCHEDULED    | 0.8-1.2
              1       | 500    |            |               | false      | RETRY_SCHEDULED    | 0.8-1.2
              2       | 503    |            |               | false      | RETRY_SCHEDULED    | 8-12
              1       | 429    |            | 30            | false      | RETRY_SCHEDULED    | 30-30
              1       | 429    |            | 3600          | false      | RETRY_SCHEDULED    | 60-60
              1       |        | timed out  |               | false      | RETRY_SCHEDULED    | 0.8-1.2
              3       | 500    |            |               | false      | RETRY_SCHEDULED    | 48-72
              4       | 500    |            |               | false      | PARKED             |
              1       | 410    |            |               | false      | ENDPOINT_DISABLED  | 30-30
              1       | 410    |            |               | true       | ENDPOINT_DISABLED  |
              1       | 500    |            |               | true       | PARKED             |
              1       | 200    |            |               | true       | DELIVERED          |
            """)
    void an_answer_is_delivered_retried_on_the_schedule_parked_or_disables_the_endpoint(int attempt, Integer status, String error,
                                                                                       Integer retryAfter, boolean redelivery,
                                                                                       AttemptOutcome outcome, String next) {
        Dispatcher.Outcome answer = new Dispatcher.Outcome(status, 12, error, retryAfter == null ? null : Duration.ofSeconds(retryAfter));
        DeliveryDecider.Decision made = DECIDER.decide(head(attempt - 1),
                new DeliveryDecider.Answered("evt_1_2", attempt, redelivery, answer), NOW);
        assertThat(made).isInstanceOfSatisfying(DeliveryDecider.Outcome.class, o -> {
            assertThat(o.outcome()).isEqualTo(outcome);
            if (next == null) {
                assertThat(o.nextAttemptAt()).isNull();
            } else {
                String[] range = next.split("-");
                long millis = Duration.between(NOW, o.nextAttemptAt()).toMillis();
                assertThat(millis).isBetween(Math.round(Double.parseDouble(range[0]) * 1000), Math.round(Double.parseDouble(range[1]) * 1000));
            }
        });
    }

    @ParameterizedTest(name = "head tried {0}, recorded attempt {1} of {2} {3} (redelivery {4}) -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # tried | attempt | event    | outcome           | redelivery | decision | attempts after
              0     | 1       | evt_1_2  | DELIVERED         | false      | finished |
              0     | 1       | evt_1_2  | RETRY_SCHEDULED   | false      | advance  | 1
              2     | 3       | evt_1_2  | RETRY_SCHEDULED   | false      | advance  | 3
              3     | 4       | evt_1_2  | PARKED            | false      | finished |
              0     | 1       | evt_1_2  | ENDPOINT_DISABLED | false      | advance  | 1
              1     | 1       | evt_1_2  | RETRY_SCHEDULED   | false      | stale    |
              0     | 2       | evt_1_2  | DELIVERED         | false      | stale    |
              0     | 1       | evt_1_3  | DELIVERED         | false      | stale    |
              0     | 1       | evt_1_2  | DELIVERED         | true       | stale    |
              -1    | 1       | evt_1_2  | DELIVERED         | false      | stale    |
            """)
    void a_recorded_attempt_moves_the_queue_only_when_it_is_the_heads_next(int tried, int attempt, String event, AttemptOutcome outcome,
                                                                           boolean redelivery, String decision, Integer attemptsAfter) {
        DeliveryDecider.Head head = tried < 0 ? null : head(tried);
        Instant retryAt = NOW.plusSeconds(10);
        WebhookAttempt recorded = WebhookAttempt.newBuilder().setAttemptId(event + "#" + attempt).setEventId(event).setSessionId(1)
                .setMerchantId(7).setSequence(2).setAttempt(attempt).setUrl("https://shop.example/hook").setAttemptedAt(NOW)
                .setStatusCode(null).setLatencyMs(1L).setError(null).setOutcome(outcome)
                .setNextAttemptAt(outcome == AttemptOutcome.RETRY_SCHEDULED || outcome == AttemptOutcome.ENDPOINT_DISABLED ? retryAt : null).setRedelivery(redelivery).build();
        DeliveryDecider.Decision made = DECIDER.decide(head, new DeliveryDecider.Recorded(recorded), NOW);
        switch (decision) {
            case "finished" -> {
                assertThat(made).isEqualTo(new DeliveryDecider.Finished(outcome));
                assertThat(DECIDER.evolve(head, recorded)).isNull();
            }
            case "advance" -> {
                DeliveryDecider.Head after = new DeliveryDecider.Head("evt_1_2", 2, attemptsAfter, retryAt);
                assertThat(made).isEqualTo(new DeliveryDecider.Advance(after));
                assertThat(DECIDER.evolve(head, recorded)).isEqualTo(after);
            }
            default -> {
                assertThat(made).isInstanceOf(DeliveryDecider.Stale.class);
                assertThat(DECIDER.evolve(head, recorded)).isEqualTo(head);
            }
        }
    }

    private static DeliveryDecider.Head head(int tried) {
        return new DeliveryDecider.Head("evt_1_2", 2, tried, NOW);
    }
}
