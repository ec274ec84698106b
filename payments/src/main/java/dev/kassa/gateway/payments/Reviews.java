package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.CommandSender;
import dev.kassa.gateway.kafka.SessionLookup;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.RefundLedger;
import dev.kassa.observability.Redaction;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.ResolveReview;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * A session in review resolved by a person: approve (it becomes paid), reject (failed) or refund (the provider that
 * took the money returns it, then refunded). The operator may resolve any session's review; a merchant only its own
 * (another merchant's session is {@code not_found}, as if it did not exist). Who decided is the command's actor, and so
 * the event's cause, in the history; the note is on the event. One code for the operator API, the merchant API and
 * the dashboard.
 */
@Singleton
public final class Reviews {

    public static final int MAX_NOTE = 500;
    private static final Duration READ = Duration.ofSeconds(1);

    private final CommandSender aggregate;
    private final SessionLookup sessions;
    private final Refunds refunds;
    private final SessionCommands commands;

    public Reviews(CommandSender aggregate, SessionLookup sessions, Refunds refunds, SessionCommands commands) {
        this.aggregate = aggregate;
        this.sessions = sessions;
        this.refunds = refunds;
        this.commands = commands;
    }

    /** Where a resolution left the session. */
    public record Resolved(long sessionId, SessionStatus status) {
        /** The status as the API writes it. */
        public String wire() {
            return status.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The operator's resolution of any session's review, by its id ({@code not_found} when there is none). */
    public Resolved resolve(long sessionId, ReviewResolution resolution, String note, String actor) throws Exception {
        SessionState state = sessions.session(sessionId, 1, READ);
        if (state == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session " + sessionId);
        }
        return resolve(state, resolution, note, actor);
    }

    /**
     * Resolves the review of a session the caller has already read and found to be the decider's own (a merchant's
     * route checks that first, so another merchant's session is {@code not_found} there).
     *
     * @param actor who decided, as the history shows it ({@code operator}, {@code merchant-api},
     *              {@code merchant-dashboard:<e-mail>})
     */
    public Resolved resolve(SessionState state, ReviewResolution resolution, String note, String actor) throws Exception {
        String checkedNote = note(note);
        long sessionId = state.getSessionId();
        if (state.getStatus() != SessionStatus.REVIEW) {
            throw new ApiError(ErrorCode.INVALID_TRANSITION, "session " + sessionId + " is "
                    + state.getStatus().name().toLowerCase(Locale.ROOT) + ", not in review");
        }
        if (resolution == ReviewResolution.REFUND) {
            refunds.requireConnector();
        }
        String commandId = "review-" + UUID.randomUUID();
        CommandResult result = aggregate.sendOrUnavailable(commands.of(commandId, sessionId, state.getMerchantId(), actor,
                new ResolveReview(resolution, checkedNote)));
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            throw new ApiError(result.getErrorCode() == null ? ErrorCode.INVALID_TRANSITION : ErrorCode.of(result.getErrorCode()),
                    result.getMessage() == null ? "the review could not be resolved" : result.getMessage());
        }
        if (resolution != ReviewResolution.REFUND) {
            return new Resolved(sessionId, result.getStatus());
        }
        // The resolution reserved the refund; the provider that took the payment executes it now.
        Refunds.Result refund = refunds.finish(sessionId, RefundLedger.reviewRefundId(commandId), result.getSequence(), actor);
        if (refund.refused()) {
            throw new ApiError(ErrorCode.REFUND_REFUSED, "the provider " + state.getProvider() + " refused the refund"
                    + (refund.refund().getReason() == null ? "" : " (" + refund.refund().getReason() + ")") + "; the session stays in review");
        }
        return new Resolved(sessionId, refund.session().getStatus());
    }

    /** A decision as a person writes it (approve, reject, refund, any case); refused with {@code invalid}, naming its field. */
    public static ReviewResolution resolution(String word, ErrorCode invalid) {
        if (word == null || word.isBlank()) {
            throw ApiError.missingField(invalid.field());
        }
        return switch (word.strip().toLowerCase(Locale.ROOT)) {
            case "approve" -> ReviewResolution.APPROVE;
            case "reject" -> ReviewResolution.REJECT;
            case "refund" -> ReviewResolution.REFUND;
            default -> throw new ApiError(invalid, "'" + invalid.field() + "' must be approve, reject or refund");
        };
    }

    /** A note for the history: at most 500 characters, never a card number; null or blank: none. */
    public static String note(String note) {
        if (note == null || note.isBlank()) {
            return null;
        }
        String text = note.strip();
        if (text.length() > MAX_NOTE || Redaction.containsCard(text)) {
            throw new ApiError(ErrorCode.INVALID_NOTE, "'note' is at most " + MAX_NOTE + " characters, and never a card number");
        }
        return text;
    }
}
