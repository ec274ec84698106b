package dev.kassa.gateway.accounts;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.WebhookTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A webhook endpoint's fields as the merchant API, the operator API and the dashboard send them, checked: each bad
 * shape is an {@link ApiError} with its own code and a message that says what to send instead.
 */
public final class EndpointFields {

    /** The statuses an event filter may name (besides event types and families). */
    public static final Set<String> STATUSES = Set.of("created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded");
    private static final int MAX_DESCRIPTION = 255;
    /** The most entries a filter can usefully have: every event type, every status, and {@code *}. */
    public static final int MAX_FILTER_ENTRIES = WebhookTypes.CATALOGUE.size() + STATUSES.size() + 1;

    private EndpointFields() {
    }

    /** The events an endpoint wants: null is all ({@code *}); each entry an event type, a family, a status or {@code *}. */
    public static List<String> eventFilter(List<String> given) {
        if (given == null) {
            return List.of("*");
        }
        if (given.isEmpty() || given.size() > MAX_FILTER_ENTRIES) {
            throw invalidEventFilter();
        }
        List<String> filter = new ArrayList<>();
        for (String item : given) {
            String entry = item == null ? "" : item.toLowerCase(Locale.ROOT);
            if (!WebhookTypes.isFilter(entry)) {
                throw new ApiError(ErrorCode.INVALID_EVENT_FILTER, "'event_filter' names '" + item
                        + "', which is neither an event type nor a status; use one of " + String.join(", ", WebhookTypes.CATALOGUE)
                        + ", a family such as refund.*, a status (" + String.join(", ", STATUSES.stream().sorted().toList()) + ") or *");
            }
            if (!filter.contains(entry)) {
                filter.add(entry);
            }
        }
        return filter.contains("*") ? List.of("*") : filter;
    }

    /** An endpoint's description: at most 255 characters; null is none. */
    public static String description(String description) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw invalidDescription();
        }
        return description;
    }

    public static ApiError invalidEventFilter() {
        return new ApiError(ErrorCode.INVALID_EVENT_FILTER,
                "'event_filter' must be a list of event types (e.g. [\"checkout.session.paid\", \"refund.*\"]), statuses, or [\"*\"]");
    }

    public static ApiError invalidDescription() {
        return new ApiError(ErrorCode.INVALID_DESCRIPTION, "'description' must be text of at most " + MAX_DESCRIPTION + " characters");
    }

    /** An endpoint's throttle: 1 to 10,000 deliveries a second; null is none. */
    public static Integer maxPerSecond(Integer perSecond) {
        if (perSecond != null && (perSecond < 1 || perSecond > 10_000)) {
            throw invalidMaxPerSecond();
        }
        return perSecond;
    }

    public static ApiError invalidMaxPerSecond() {
        return new ApiError(ErrorCode.INVALID_MAX_PER_SECOND, "'max_per_second' must be a whole number from 1 to 10,000, or null");
    }

    public static ApiError invalidEnabled() {
        return new ApiError(ErrorCode.INVALID_ENABLED, "'enabled' must be true or false");
    }
}
