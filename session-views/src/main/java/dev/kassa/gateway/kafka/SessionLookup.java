package dev.kassa.gateway.kafka;

import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;

/** A session once its view has reached a sequence ({@link SessionReads}; a map in a unit test). */
public interface SessionLookup {

    /** The session once its view has reached {@code sequence}, or whatever it has after {@code timeout}; null if none. */
    SessionState session(long id, long sequence, Duration timeout) throws InterruptedException;
}
