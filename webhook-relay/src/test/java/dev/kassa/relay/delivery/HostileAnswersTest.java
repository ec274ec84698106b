package dev.kassa.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.model.SsrfGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every way a receiver can misbehave ends as one attempt with a reason, within the deadline and a second, with its
 * connection closed: nothing more (SPEC.md, "Delivery limits"). Raw sockets play the receiver ({@link HostileReceiver}).
 */
class HostileAnswersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static HostileReceiver receiver;
    private static HttpDispatcher dispatcher;

    @BeforeAll
    static void start() throws Exception {
        receiver = new HostileReceiver();
        dispatcher = new HttpDispatcher(new SsrfGuard(true), DEADLINE, Clock.systemUTC());
    }

    @AfterAll
    static void stop() throws Exception {
        dispatcher.close();
        receiver.close();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "/trickle,       timeout,         ",
            "/silent,        timeout,         ",
            "/informational, protocol_error,  ",
            "/garbage,       protocol_error,  ",
            "/endless-503,   http_status,     503",
            "/redirect,      http_status,     302",
            "tls-stall,      timeout,         ",
    })
    void a_hostile_answer_is_a_failed_attempt_with_a_reason_within_the_deadline(String path, String reason, Integer status)
            throws Exception {
        String url = path.equals("tls-stall") ? receiver.tlsStallUrl() : receiver.url(path);

        long started = System.nanoTime();
        Dispatcher.Outcome outcome = send(url);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.reason()).as(String.valueOf(outcome.error())).isEqualTo(reason);
        assertThat(outcome.statusCode()).isEqualTo(status);
        assertThat(took).isLessThanOrEqualTo(DEADLINE.plusSeconds(1));
        assertThat(outcome.error() == null || outcome.error().length() <= 301).isTrue();
        // Nothing stays open behind it: the connection is closed, not left to the receiver (a complete 302 may stay
        // pooled for the next attempt, as any finished answer's connection).
        await().atMost(Duration.ofSeconds(5)).until(() -> path.equals("tls-stall") ? receiver.tlsOpen() == 0
                : path.equals("/redirect") || receiver.open(path) == 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"/endless-200", "/gigabyte"})
    void a_2xx_with_a_body_that_never_ends_is_delivered_after_its_first_kilobyte(String path) throws Exception {
        long started = System.nanoTime();
        Dispatcher.Outcome outcome = send(receiver.url(path));

        // The receiver said it got the webhook (a 2xx is success); its body is read no further than 1 KB.
        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.reason()).isNull();
        assertThat(outcome.excerpt()).hasSizeLessThanOrEqualTo(Dispatcher.Outcome.EXCERPT_BYTES);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.open(path) == 0);
    }

    private static Dispatcher.Outcome send(String url) throws Exception {
        return dispatcher.send(new Dispatcher.Request("evt_9_1", 9, "{\"ok\":true}".getBytes(), 1, url, "whsec_dGVzdA==", null, false))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
