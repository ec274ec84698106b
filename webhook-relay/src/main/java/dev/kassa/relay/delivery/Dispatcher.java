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
     * What happened: a status code, or an error (refused, timed out, connection failed), how long it took, the first
     * {@value #EXCERPT_BYTES} bytes of the answer's body (null without one), and why it failed, as one of the
     * {@link Reason} codes (null when delivered).
     */
    record Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter, String excerpt, String reason) {

        /** How much of an answer's body is kept for the merchant to read. */
        public static final int EXCERPT_BYTES = 1024;

        public Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter, String excerpt) {
            this(statusCode, latencyMs, error, retryAfter, excerpt, Reason.of(statusCode, error));
        }

        public Outcome(Integer statusCode, long latencyMs, String error, Duration retryAfter) {
            this(statusCode, latencyMs, error, retryAfter, null);
        }

        /** Not sent at all (the endpoint's circuit opened while it waited for a slot): not an attempt, nothing to record. */
        public static Outcome notSent(String why) {
            return new Outcome(null, 0, why, null, null, Reason.NOT_SENT);
        }

        /** Any 2xx; 3xx is a failure, redirects are not followed. */
        public boolean delivered() {
            return statusCode != null && statusCode >= 200 && statusCode < 300;
        }

        public boolean gone() {
            return statusCode != null && statusCode == 410;
        }

        public boolean sent() {
            return !Reason.NOT_SENT.equals(reason);
        }

        /** The same outcome with a note added to its error (what the attempt caused: the endpoint paused). */
        public Outcome withNote(String note) {
            return new Outcome(statusCode, latencyMs, error == null ? note : error + "; " + note, retryAfter, excerpt, reason);
        }
    }

    /** Why an attempt failed, as kept on the attempt record and shown to the merchant (a stable, documented set). */
    final class Reason {
        /** The answer (connect, TLS, headers and body together) did not complete within the attempt's deadline. */
        public static final String TIMEOUT = "timeout";
        /** The receiver answered with a status that is not 2xx (3xx included: redirects are not followed). */
        public static final String HTTP_STATUS = "http_status";
        /** No TCP connection could be made (refused, reset, unreachable). */
        public static final String CONNECTION_FAILED = "connection_failed";
        /** The TLS handshake failed (certificate, name, protocol). */
        public static final String TLS_FAILED = "tls_failed";
        /** Kassa would not call it: not an http(s) URL, or it resolves to an address webhooks may not reach. */
        public static final String REFUSED = "refused";
        /** The receiver broke HTTP (a malformed answer, endless informational answers, a connection closed mid-answer). */
        public static final String PROTOCOL_ERROR = "protocol_error";
        /** Internal: never sent (the circuit opened while it waited); never recorded as an attempt. */
        static final String NOT_SENT = "not_sent";

        private Reason() {
        }

        static String of(Integer statusCode, String error) {
            if (statusCode != null) {
                return statusCode >= 200 && statusCode < 300 ? null : HTTP_STATUS;
            }
            if (error == null) {
                return PROTOCOL_ERROR;
            }
            if (error.startsWith("refused")) {
                return REFUSED;
            }
            if (error.startsWith("timed out") || error.startsWith("timeout")) {
                return TIMEOUT;
            }
            return CONNECTION_FAILED;
        }
    }

    CompletionStage<Outcome> send(Request request);

    @Override
    void close();
}
