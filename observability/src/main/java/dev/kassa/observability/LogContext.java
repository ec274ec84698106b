package dev.kassa.observability;

import org.slf4j.MDC;

/** Logs with Kassa's context fields ({@code session_id}, {@code event_id}, …) set for the duration of one call. */
public final class LogContext {

    private LogContext() {
    }

    /** {@code keyValues} in pairs: key, value, key, value; a null value leaves its key out. */
    public static void run(Runnable logging, String... keyValues) {
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                MDC.put(keyValues[i], keyValues[i + 1]);
            }
        }
        try {
            logging.run();
        } finally {
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                MDC.remove(keyValues[i]);
            }
        }
    }
}
