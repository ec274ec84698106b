package dev.kassa.observability;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code thread}, {@code msg}, then the
 * context Kassa puts in the MDC ({@code trace_id}, {@code session_id}, {@code merchant_id}, {@code event_id},
 * {@code command_id}, …), then {@code error} and {@code stack} for an exception. Every text field goes through
 * {@link Redaction}, so card numbers and secrets never reach the file whatever a message or an exception says.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    /** Ids Kassa generates: never card numbers, so a Luhn-valid session id stays readable here. */
    private static final Set<String> ID_FIELDS = Set.of("session_id", "merchant_id", "event_id",
            "command_id", "trace_id");

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            json.writeStringField("msg", Redaction.scrub(event.getFormattedMessage()));
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc != null) {
                for (Map.Entry<String, String> entry : new TreeMap<>(mdc).entrySet()) {
                    json.writeStringField(entry.getKey(), ID_FIELDS.contains(entry.getKey())
                            ? Redaction.scrubSecrets(entry.getValue()) : Redaction.scrub(entry.getValue()));
                }
            }
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                json.writeStringField("error", Redaction.scrub(error.getClassName() + ": " + error.getMessage()));
                StringBuilder stack = new StringBuilder();
                for (IThrowableProxy t = error; t != null; t = t.getCause()) {
                    if (t != error) {
                        stack.append("caused by ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
                    }
                    StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
                    for (int i = 0; i < Math.min(frames.length, 30); i++) {
                        stack.append("  at ").append(frames[i].getStackTraceElement()).append('\n');
                    }
                }
                json.writeStringField("stack", Redaction.scrub(stack.toString()));
            }
            json.writeEndObject();
        } catch (IOException e) {
            return "{\"level\":\"ERROR\",\"msg\":\"log line could not be written as JSON\"}\n";
        }
        return out.append('\n').toString();
    }
}
