package dev.kassa.relay.delivery;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Sends one webhook attempt; the answer never fails: every problem is an {@link Outcome} with an error. */
public interface Dispatcher extends AutoCloseable {

    /** One attempt: the exact body, where, and the secrets to sign with. */
    record Request(String eventId, long sessionId, byte[] body, int attempt, String url, String secret,
                   String previousSecret, boolean redelivery) {
    }

    /** What happened: a status code, or an error (refused, timed out, connection failed), and how long it took. */
    record Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter) {

        /** Any 2xx; 3xx is a failure, redirects are not followed. */
        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        public boolean gone() {
            return statusCode != null && statusCode == 410;
        }
    }

    CompletionStage<Outcome> send(Request request);

    @Override
    void close();
}
