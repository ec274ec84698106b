package dev.kassa.relay.delivery;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** Sends one webhook attempt; the answer never fails: every problem is an {@link Outcome} with an error. */
public interface Dispatcher extends AutoCloseable {

    /** One attempt: the exact body, where (which endpoint), and the secrets to sign with. */
    record Request(String eventId, long sessionId, byte[] body, int attempt, String url, String secret,
                   String previousSecret, boolean redelivery, String endpointId) {

        public Request(String eventId, long sessionId, byte[] body, int attempt, String url, String secret,
                       String previousSecret, boolean redelivery) {
            this(eventId, sessionId, body, attempt, url, secret, previousSecret, redelivery, null);
        }
    }

    /**
     * What happened: a status code, or an error (refused, timed out, connection failed), how long it took, and the
     * first {@value #EXCERPT_BYTES} bytes of the answer's body (null without one).
     */
    record Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter, String excerpt) {

        /** How much of an answer's body is kept for the merchant to read. */
        public static final int EXCERPT_BYTES = 1024;

        public Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter) {
            this(statusCode, latencyMs, error, retryAfter, null);
        }

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
