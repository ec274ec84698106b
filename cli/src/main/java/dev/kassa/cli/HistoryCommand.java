package dev.kassa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookAttempt;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kassa history SESSION_ID}: one session's timeline, or its state at an instant; {@code kassa history --order ID
 * --merchant ID} or {@code --email ADDRESS}: find the sessions of a support ticket first (the operator API's lookup).
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show one session's timeline: every event with the state after it, every command that did not apply "
                + "(duplicate, rejected, flagged), every webhook attempt. --at shows the state as it was at an instant. Without a "
                + "session id, --order with --merchant, or --email, lists the sessions found (newest first) through the gateway, "
                + "and the timeline of the one found when there is exactly one.")
final class HistoryCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", description = "The session id.")
    Long sessionId;

    @Option(names = "--bootstrap", description = "The cluster's bootstrap servers (for a timeline).")
    String bootstrap;

    @Option(names = "--order", description = "Find the sessions of this order id (with --merchant).")
    String order;

    @Option(names = "--merchant", description = "The merchant of --order.")
    Long merchant;

    @Option(names = "--email", description = "Find the sessions of this buyer's e-mail (by its blind index; the address is not stored).")
    String email;

    @Mixin
    MerchantCommand.Operator operator = new MerchantCommand.Operator();

    @Option(names = "--at", description = "Show the state at this instant (ISO-8601, e.g. 2026-02-25T12:05:00Z).")
    String at;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    private static final String RESET = "\u001b[0m";

    /**
     * One aligned line of the timeline; with {@code color} (a terminal, and no NO_COLOR in the environment) the kind
     * and the status are coloured: paid green, failed/expired/cancelled red, pending/review yellow, routing cyan.
     * Columns are padded before colouring, so the alignment is the same either way.
     */
    static String line(SessionHistory.Entry e, boolean color) {
        String kind = String.format("%-7s", e.kind());
        String status = String.format("%-9s", e.status() == null ? "" : e.status());
        if (color) {
            kind = paint(kindColor(e), kind);
            status = paint(statusColor(e.status()), status);
        }
        return String.format("  %-24s  %s  %s  %-44s  %s", e.at(), kind, status, e.what(), e.detail());
    }

    private static String kindColor(SessionHistory.Entry e) {
        return switch (e.kind()) {
            case "route" -> "36";
            case "command" -> "35";
            case "webhook" -> e.detail().contains("-> delivered") ? "32" : "33";
            default -> "1";
        };
    }

    private static String statusColor(String status) {
        if (status == null) {
            return null;
        }
        return switch (status) {
            case "paid" -> "32";
            case "failed", "expired", "cancelled" -> "31";
            case "pending", "review" -> "33";
            case "refunded" -> "34";
            default -> null;
        };
    }

    private static String paint(String code, String text) {
        return code == null ? text : "\u001b[" + code + "m" + text + RESET;
    }

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (sessionId == null) {
            sessionId = SessionLookup.find(this, spec.commandLine().getOut());
            if (sessionId == null) {
                return 0;
            }
        } else if (order != null || email != null) {
            throw new UserError("give a session id, or --order with --merchant, or --email: not both.");
        }
        if (bootstrap == null) {
            throw new UserError("--bootstrap is needed to read session " + sessionId + "'s timeline from the log.");
        }
        Instant instant = null;
        if (at != null) {
            try {
                instant = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new UserError("--at '" + at + "' is not an ISO-8601 instant; write e.g. 2026-02-25T12:05:00Z.");
            }
        }
        SessionHistory.SessionLog log = SessionHistory.read(kafka.access(bootstrap), sessionId);
        List<SessionEvent> events = log.events();
        if (events.isEmpty()) {
            throw new UserError("session " + sessionId + " has no events; check the id and --bootstrap.");
        }
        List<WebhookAttempt> attempts = log.attempts();
        PrintWriter out = spec.commandLine().getOut();
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        if (instant != null) {
            SessionState state = SessionHistory.stateAt(events, instant);
            if (json) {
                Map<String, Object> view = new LinkedHashMap<>();
                view.put("session_id", sessionId);
                view.put("at", instant.toString());
                view.put("status", state == null ? null : state.getStatus().name().toLowerCase(Locale.ROOT));
                view.put("sequence", state == null ? null : state.getSequence());
                if (state != null) {
                    view.put("amount_minor", state.getAmountMinor());
                    view.put("currency", state.getCurrency());
                    view.put("refunded_minor", state.getRefundedMinor());
                    view.put("late", state.getLate());
                    view.put("provider", state.getProvider());
                    view.put("last_error", state.getLastError());
                    view.put("review_reason", state.getReviewReason());
                    view.put("expires_at", state.getExpiresAt().toString());
                    view.put("updated_at", state.getUpdatedAt().toString());
                }
                out.println(mapper.writeValueAsString(view));
            } else if (state == null) {
                out.println("session " + sessionId + " did not exist yet at " + instant);
            } else {
                out.println("session " + sessionId + " at " + instant + ": " + state.getStatus().name().toLowerCase(Locale.ROOT)
                        + " (sequence " + state.getSequence() + ")");
                out.println(state);
            }
            out.flush();
            return 0;
        }
        List<SessionHistory.Entry> timeline = SessionHistory.timeline(events, log.results(), attempts, log.routes());
        if (json) {
            out.println(mapper.writeValueAsString(Map.of("session_id", sessionId, "timeline", timeline)));
        } else {
            out.println("session " + sessionId + " (" + events.size() + " events, " + attempts.size() + " webhook attempts)");
            boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
            for (SessionHistory.Entry e : timeline) {
                out.println(line(e, color));
            }
        }
        out.flush();
        return 0;
    }
}
