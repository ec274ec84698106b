package dev.kassa.aggregate.domain;

import dev.kassa.schemas.avro.ReportedStatus;
import java.util.Locale;
import java.util.Map;

/** Providers' own status words, normalized to Kassa's (seed 001: completed is paid, under_review is review). */
public final class ProviderStatuses {

    private static final Map<String, ReportedStatus> WORDS = Map.ofEntries(
            Map.entry("completed", ReportedStatus.PAID),
            Map.entry("complete", ReportedStatus.PAID),
            Map.entry("succeeded", ReportedStatus.PAID),
            Map.entry("success", ReportedStatus.PAID),
            Map.entry("paid", ReportedStatus.PAID),
            Map.entry("captured", ReportedStatus.PAID),
            Map.entry("under_review", ReportedStatus.REVIEW),
            Map.entry("review", ReportedStatus.REVIEW),
            Map.entry("on_hold", ReportedStatus.REVIEW),
            Map.entry("declined", ReportedStatus.FAILED),
            Map.entry("failed", ReportedStatus.FAILED),
            Map.entry("rejected", ReportedStatus.FAILED),
            Map.entry("error", ReportedStatus.FAILED),
            Map.entry("insufficient_funds", ReportedStatus.FAILED),
            Map.entry("requires_action", ReportedStatus.PENDING),
            Map.entry("pending", ReportedStatus.PENDING),
            Map.entry("processing", ReportedStatus.PENDING),
            Map.entry("refunded", ReportedStatus.REFUNDED));

    private ProviderStatuses() {
    }

    /** The normalized status of a provider's word; UNKNOWN for a word Kassa does not know. */
    public static ReportedStatus normalize(String providerStatus) {
        if (providerStatus == null) {
            return ReportedStatus.UNKNOWN;
        }
        return WORDS.getOrDefault(providerStatus.trim().toLowerCase(Locale.ROOT), ReportedStatus.UNKNOWN);
    }
}
