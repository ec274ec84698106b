package dev.kassa.model;

import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The catalogue of webhook types (SPEC.md, "Event types") and which one an event announces. A pure function of the
 * event alone, so a replayed or redelivered event carries the type it had the first time.
 *
 * <p>The rules: a status transition is {@code checkout.session.<status>}; a refund the provider confirmed is
 * {@code refund.succeeded} and one it refused {@code refund.failed}, whatever the session's status (a full refund that
 * moves the session to {@code refunded} is announced as {@code refund.succeeded} with {@code "status": "refunded"}: one
 * event, one webhook, so {@code checkout.session.refunded} is matched by filters but never sent on its own); a refund's
 * reservation and any event that leaves the status as it was (a second attempt while pending) announce nothing, so
 * no webhook repeats its session's status unless it is a {@code refund.*}.
 */
public final class WebhookTypes {

    public static final String PREFIX = "checkout.session.";
    public static final String REFUND_SUCCEEDED = "refund.succeeded";
    public static final String REFUND_FAILED = "refund.failed";
    public static final String ENDPOINT_DISABLED = "webhook_endpoint.disabled";
    public static final String PING = "ping";

    /** Every type a webhook can have, in the catalogue's order. */
    public static final List<String> CATALOGUE;

    static {
        List<String> all = new ArrayList<>();
        for (SessionStatus status : SessionStatus.values()) {
            all.add(of(status));
        }
        all.addAll(List.of(REFUND_SUCCEEDED, REFUND_FAILED, ENDPOINT_DISABLED, PING));
        CATALOGUE = Collections.unmodifiableList(all);
    }

    private WebhookTypes() {
    }

    /** {@code checkout.session.<status>}. */
    public static String of(SessionStatus status) {
        return PREFIX + status.name().toLowerCase(Locale.ROOT);
    }

    /** The type of the webhook {@code event} sends, or null when it sends none. */
    public static String of(SessionEvent event) {
        if (event.getPayload() instanceof RefundRecorded refund) {
            return switch (refund.getPhase()) {
                case RECORDED -> REFUND_SUCCEEDED;
                case REFUSED -> REFUND_FAILED;
                case RESERVED -> null; // an internal step: the money has not moved yet
            };
        }
        if (event.getStatus() == event.getPreviousStatus()) {
            return null; // the status the merchant already knows
        }
        return of(event.getStatus());
    }

    /**
     * Whether {@code entry} is something an endpoint's filter may name: {@code *}, a status ({@code paid}), a type of
     * the catalogue, or a family ({@code refund.*}, {@code checkout.session.*}).
     */
    public static boolean isFilter(String entry) {
        if (entry == null) {
            return false;
        }
        if (entry.equals("*") || CATALOGUE.contains(entry)) {
            return true;
        }
        for (SessionStatus status : SessionStatus.values()) {
            if (entry.equals(status.name().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return entry.endsWith(".*") && CATALOGUE.stream().anyMatch(type -> type.startsWith(entry.substring(0, entry.length() - 1)));
    }
}
