package dev.kassa.localkafka;

/** A broker that cannot start for a reason the user can fix; the message is one sentence that says what to change. */
public final class LocalKafkaException extends RuntimeException {

    public LocalKafkaException(String message) {
        super(message);
    }

    public LocalKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
