package dev.kassa.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The times merchants read: the seeds' {@code yyyy-MM-dd HH:mm:ss} (UTC), and ISO-8601 to the second. */
public final class SeedTime {

    private static final DateTimeFormatter SEED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private SeedTime() {
    }

    /** {@code 2026-02-25 12:00:00}, as seed 003's answers and webhooks show {@code created_at} and {@code expires_at}. */
    public static String format(Instant at) {
        return at == null ? null : SEED.format(at);
    }

    /** {@code 2026-02-25T12:00:00Z}: ISO-8601 in UTC, whole seconds. */
    public static String iso(Instant at) {
        return at == null ? null : DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    }
}
