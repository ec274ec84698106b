package dev.kassa.observability;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %scrubbedMsg} for human-readable patterns (the terminal): the message through {@link Redaction}. */
public final class ScrubbedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.scrub(event.getFormattedMessage());
    }
}
