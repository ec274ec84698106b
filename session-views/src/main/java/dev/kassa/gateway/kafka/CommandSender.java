package dev.kassa.gateway.kafka;

import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.SessionCommand;

/** Sends a command to the session aggregate and waits for its answer ({@link CommandBus}; the decider itself in a unit test). */
public interface CommandSender {

    /** The aggregate's answer; a timeout is answered 503 {@code unavailable} (retry with the same key). */
    CommandResult sendOrUnavailable(SessionCommand command) throws InterruptedException;
}
