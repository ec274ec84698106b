package dev.kassa.gateway.dashboard;

import dev.kassa.log.SessionHistory;
import dev.kassa.model.Money;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.PaymentFailed;
import dev.kassa.schemas.avro.PaymentPending;
import dev.kassa.schemas.avro.PaymentSucceeded;
import dev.kassa.schemas.avro.RefundRecorded;
import dev.kassa.schemas.avro.ReviewOpened;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.SessionCancelled;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionExpired;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A session's timeline in the merchant's words (seed 001: "support can understand without asking a developer"):
 * not "pending -> paid" but "Paid 79.00 EUR with card through moonpay"; not an attempt record but "Webhook to
 * https://shop.example/hook answered 503 in 120 ms; next try at 12:03:00". Pure: the caller reads the view.
 */
final class MerchantTimeline {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private MerchantTimeline() {
    }

    /** One line: when, what kind (payment, webhook, routing, provider), and the sentence. */
    record Line(Instant at, String when, String kind, String text) {
    }

    /** The lines as the page reads them (maps: see {@link PaymentSearch#row}). */
    static List<Map<String, Object>> view(List<Line> lines) {
        return lines.stream().<Map<String, Object>>map(l -> Map.of("at", l.at().toString(), "when", l.when(),
                "kind", l.kind(), "text", l.text())).toList();
    }

    static List<Line> of(SessionHistory.SessionLog log, String currency) {
        List<Line> lines = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (SessionEvent event : log.events()) {
            if (seen.add(event.getSequence())) {
                lines.add(line(event.getOccurredAt(), "payment", event(event, currency)));
            }
        }
        for (RoutingDecision d : log.routes()) {
            lines.add(line(d.getDecidedAt(), "routing", d.getChosen() == null ? "The buyer chooses how to pay (" + d.getReason() + ")"
                    : "Routed to " + d.getChosen() + " (" + d.getReason() + ")"));
        }
        for (CommandResult r : log.results()) {
            if (r.getOutcome() == CommandOutcome.APPLIED) {
                continue; // the event says it
            }
            String who = r.getCommandId().startsWith("provider:") ? "A provider's report" : "A request (" + r.getCommandType() + ")";
            String text = switch (r.getOutcome()) {
                case DUPLICATE -> who + " came again and was ignored: it had been applied";
                case REJECTED -> who + " was refused: " + (r.getErrorCode() == null ? "not possible now" : r.getErrorCode());
                case FLAGGED -> who + " was flagged for review: " + (r.getErrorCode() == null ? "it did not match" : r.getErrorCode());
                default -> who + ": " + r.getOutcome().name().toLowerCase(Locale.ROOT);
            };
            lines.add(line(r.getDecidedAt(), "provider", text));
        }
        for (WebhookAttempt a : log.attempts()) {
            lines.add(line(a.getAttemptedAt(), "webhook", webhook(a)));
        }
        lines.sort(Comparator.comparing(Line::at));
        return lines;
    }

    private static Line line(Instant at, String kind, String text) {
        return new Line(at, TIME.format(at), kind, text);
    }

    static String event(SessionEvent event, String currency) {
        Object p = event.getPayload();
        if (p instanceof SessionCreated c) {
            return "Session created for " + Money.toDecimal(c.getAmountMinor(), c.getCurrency()) + " " + c.getCurrency()
                    + " (order " + c.getOrderId() + ")";
        }
        if (p instanceof PaymentPending pending) {
            return "Payment started" + (pending.getMethod() == null ? "" : " with " + pending.getMethod())
                    + (pending.getProvider() == null ? "" : " through " + pending.getProvider())
                    + (pending.getNextAction() == null ? "" : "; the buyer must " + pending.getNextAction().replace('_', ' '));
        }
        if (p instanceof PaymentSucceeded paid) {
            return "Paid " + Money.toDecimal(paid.getAmountMinor(), paid.getCurrency()) + " " + paid.getCurrency() + " through "
                    + paid.getProvider() + (paid.getLate() ? ", after the session's expiry (within the grace period)" : "");
        }
        if (p instanceof PaymentFailed failed) {
            return "Payment failed" + (failed.getFailureCode() == null ? "" : ": " + failed.getFailureCode().replace('_', ' '))
                    + (failed.getProvider() == null ? "" : " (" + failed.getProvider() + ")");
        }
        if (p instanceof SessionExpired) {
            return "Expired without a payment";
        }
        if (p instanceof SessionCancelled cancelled) {
            return "Cancelled" + (cancelled.getReason() == null ? "" : ": " + cancelled.getReason());
        }
        if (p instanceof ReviewOpened review) {
            return "Held for review: " + review.getReason().replace('_', ' ') + (review.getDetail() == null ? "" : " (" + review.getDetail() + ")");
        }
        if (p instanceof RefundRecorded refund) {
            String amount = Money.toDecimal(refund.getAmountMinor(), currency) + " " + currency;
            return switch (refund.getPhase()) {
                case RESERVED -> "Refund of " + amount + " requested";
                case RECORDED -> "Refund of " + amount + " completed" + (refund.getFull() ? " (the whole payment)" : "");
                case REFUSED -> "Refund of " + amount + " refused by the provider; nothing was refunded";
            };
        }
        return SessionHistory.reason(event) == null ? event.getStatus().name().toLowerCase(Locale.ROOT)
                : SessionHistory.reason(event);
    }

    static String webhook(WebhookAttempt a) {
        String answered = a.getStatusCode() == null ? "got no answer" + (a.getError() == null ? "" : " (" + a.getError() + ")")
                : "answered " + a.getStatusCode();
        String latency = a.getLatencyMs() == null ? "" : " in " + a.getLatencyMs() + " ms";
        String then = switch (a.getOutcome()) {
            case DELIVERED -> "; delivered";
            case RETRY_SCHEDULED -> a.getNextAttemptAt() == null ? "; will be tried again" : "; next try at " + CLOCK.format(a.getNextAttemptAt());
            case PARKED -> "; given up after the last retry (resend it from here)";
            case ENDPOINT_DISABLED -> "; the endpoint is disabled";
            default -> "";
        };
        return "Webhook " + a.getEventId() + (a.getRedelivery() ? " (resent)" : "") + " to " + a.getUrl() + " " + answered + latency + then;
    }
}
