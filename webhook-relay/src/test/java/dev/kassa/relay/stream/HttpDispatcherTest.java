package dev.kassa.relay.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.relay.delivery.HttpDispatcher;
import dev.kassa.model.SsrfGuard;
import dev.kassa.relay.signing.WebhookSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real dispatcher over real HTTP on loopback (development mode's SSRF guard): what the scripted receivers of the
 * topology tests stand for — the headers a receiver gets, a timeout, a redirect that is not followed.
 */
class HttpDispatcherTest {

    private Receiver receiver;
    private HttpDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
        dispatcher = new HttpDispatcher(new SsrfGuard(true), Duration.ofMillis(800), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        receiver.close();
    }

    @Test
    void a_receiver_gets_the_body_and_the_headers_that_the_pure_function_names() throws Exception {
        byte[] body = "{\"event\":\"payment.session\"}".getBytes(StandardCharsets.UTF_8);
        Dispatcher.Outcome outcome = send(new Dispatcher.Request("evt_1_1", 1, body, 1, receiver.url("/ok"), RelayDriver.SECRET, null, true));
        assertThat(outcome.statusCode()).isEqualTo(200);
        Receiver.Received got = receiver.received("/ok").get(0);
        assertThat(got.body()).isEqualTo(body);
        assertThat(got.webhookId()).isEqualTo("evt_1_1");
        assertThat(got.redelivery()).isEqualTo("true");
        assertThat(WebhookSigner.verifyXSignature(body, RelayDriver.SECRET, got.xSignature())).isTrue();
        assertThat(got.ecomtrade24Signature()).isEqualTo(got.xSignature());
        assertThat(got.webhookSignatureSeed002()).isEqualTo(got.xSignature());
    }

    @Test
    void a_receiver_slower_than_the_timeout_is_an_attempt_that_timed_out() throws Exception {
        Dispatcher.Outcome outcome = send(new Dispatcher.Request("evt_3_1", 3, new byte[] {'{', '}'}, 1, receiver.url("/slow"),
                RelayDriver.SECRET, null, false));
        assertThat(outcome.statusCode()).isNull();
        assertThat(outcome.error()).isEqualTo("timeout: no complete answer within 800 ms");
        assertThat(outcome.reason()).isEqualTo(Dispatcher.Reason.TIMEOUT);
    }

    @Test
    void a_redirect_is_answered_as_its_status_and_never_followed() throws Exception {
        Dispatcher.Outcome outcome = send(new Dispatcher.Request("evt_4_1", 4, new byte[] {'{', '}'}, 1, receiver.url("/redirect"),
                RelayDriver.SECRET, null, false));
        assertThat(outcome.statusCode()).isEqualTo(302);
        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.reason()).isEqualTo(Dispatcher.Reason.HTTP_STATUS);
        assertThat(receiver.received("/steal")).isEmpty();
    }

    private Dispatcher.Outcome send(Dispatcher.Request request) throws Exception {
        return dispatcher.send(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
