package dev.kassa.gateway.dashboard;

import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.kafka.WebhookLog;
import dev.kassa.gateway.payments.Refunds;
import dev.kassa.gateway.payments.Reviews;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.log.Redeliveries;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.RefundLedger;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.ReviewResolution;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A session's page: its summary and timeline in the merchant's words, and the actions, through the same paths as the
 * API (resend the latest event's webhook with its event id, refund all or part, cancel). Another merchant's session
 * is the same 404 as none.
 */
@Controller("/dashboard")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
class SessionPageController {

    private final CommandBus commandBus;
    private final SessionReads sessionReads;
    private final OfferStore offerStore;
    private final WebhookLog webhookLog;
    private final SessionViews views;
    private final Refunds refunds;
    private final Reviews reviews;
    private final SessionCommands commands;
    private final DashboardPages pages;
    private final Clock clock;

    SessionPageController(CommandBus commandBus, SessionReads sessionReads, OfferStore offerStore,
                          WebhookLog webhookLog, SessionViews views,
                          Refunds refunds, Reviews reviews, SessionCommands commands, DashboardPages pages, Clock clock) {
        this.reviews = reviews;
        this.commandBus = commandBus;
        this.sessionReads = sessionReads;
        this.offerStore = offerStore;
        this.webhookLog = webhookLog;
        this.views = views;
        this.refunds = refunds;
        this.commands = commands;
        this.pages = pages;
        this.clock = clock;
    }

    @Get("/sessions/{id}")
    HttpResponse<?> session(DashboardSessions.Principal who, HttpRequest<?> request, @PathVariable String id) throws Exception {
        SessionState state = own(who, id);
        if (state == null) {
            throw new DashboardNotFound.Missing();
        }
        SessionHistory.SessionLog log = sessionReads.timeline(state.getSessionId(), state, Duration.ofSeconds(2));
        Map<String, Object> model = pages.base(who, "Session " + state.getSessionId(), "payments");
        model.put("s", PaymentSearch.row(state, offerStore));
        model.put("timeline", MerchantTimeline.view(MerchantTimeline.of(log, state.getCurrency())));
        model.put("canCancel", state.getStatus() == SessionStatus.CREATED || state.getStatus() == SessionStatus.PENDING);
        long refundable = (state.getPaidAmountMinor() != null && state.getPaidCurrency() == null ? state.getPaidAmountMinor() : state.getAmountMinor())
                - state.getRefundedMinor() - RefundLedger.reserved(state);
        model.put("canRefund", state.getStatus() == SessionStatus.PAID && refundable > 0);
        model.put("refundable", Money.toDecimal(Math.max(0, refundable), state.getCurrency()));
        model.put("canResend", !log.events().isEmpty());
        model.put("inReview", state.getStatus() == SessionStatus.REVIEW);
        model.put("canReject", !state.getReviewMoneyReceived());
        model.put("payer", PayerLines.of(state));
        model.put("refundKey", UUID.randomUUID().toString().replace("-", ""));
        String done = request.getParameters().get("done");
        model.put("done", done == null ? null : DashboardPages.DONE.get(done));
        return pages.render(HttpStatus.OK, "dashboard/session", model);
    }

    @Post("/sessions/{id}/resend")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> resend(DashboardSessions.Principal signedIn, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        return act(signedIn, id, (who, state) -> {
            SessionHistory.SessionLog log = sessionReads.timeline(state.getSessionId(), state, Duration.ofSeconds(2));
            if (log.events().isEmpty()) {
                return pages.redirect("/dashboard/sessions/" + state.getSessionId());
            }
            // The session's latest event, as its webhook was first sent: the same event id, so the receiver can dedupe.
            String latest = log.events().get(log.events().size() - 1).getEventId();
            List<RedeliveryRequest> requests = Redeliveries.select(log.events(), new Redeliveries.Selection(state.getSessionId(), latest, null, null),
                    "merchant-dashboard:" + who.email(), clock.instant());
            for (RedeliveryRequest r : requests) {
                webhookLog.redeliver(r);
            }
            return pages.redirect("/dashboard/sessions/" + state.getSessionId() + "?done=resent");
        });
    }

    @Post("/sessions/{id}/refund")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> refund(DashboardSessions.Principal signedIn, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        return act(signedIn, id, (who, state) -> {
            Long amount = null;
            String raw = form.getOrDefault("amount", "").trim();
            if (!raw.isEmpty()) {
                try {
                    amount = Money.toMinor(raw, state.getCurrency());
                } catch (IllegalArgumentException e) {
                    return sessionWithError(who, state, "The amount must be a positive number with at most the currency's decimals, e.g. 10.00.");
                }
            }
            // The form's own id (a hidden field made with the page) names the refund: a double submit is one refund.
            String key = form.getOrDefault("refund_key", "");
            String refundId = key.matches("[A-Za-z0-9_-]{16,64}") ? "rf-dash-" + key : "rf-" + UUID.randomUUID();
            try {
                Refunds.Result result = refunds.refund(state, refundId, amount, "refunded in the dashboard", "merchant-dashboard:" + who.email());
                return pages.redirect("/dashboard/sessions/" + state.getSessionId() + "?done=" + (result.refused() ? "refund-refused" : "refund"));
            } catch (ApiError e) {
                return sessionWithError(who, state, "The refund was not made: " + e.getMessage());
            }
        });
    }

    /** {@code POST /dashboard/sessions/{id}/review}: approve, reject or refund a review, with a note; the user is in the history. */
    @Post("/sessions/{id}/review")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> review(DashboardSessions.Principal signedIn, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        return act(signedIn, id, (who, state) -> {
            try {
                ReviewResolution decision = Reviews.resolution(form.get("decision"), ErrorCode.INVALID_DECISION);
                reviews.resolve(state, decision, form.get("note"), "merchant-dashboard:" + who.email());
            } catch (ApiError e) {
                return sessionWithError(who, state, "The review was not resolved: " + e.getMessage());
            }
            return pages.redirect("/dashboard/sessions/" + state.getSessionId() + "?done=reviewed");
        });
    }

    @Post("/sessions/{id}/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    HttpResponse<?> cancel(DashboardSessions.Principal signedIn, @PathVariable String id, @Body Map<String, String> form) throws Exception {
        return act(signedIn, id, (who, state) -> {
            CommandResult result = commandBus.sendOrUnavailable(commands.of("cancel-" + UUID.randomUUID(), state.getSessionId(), state.getMerchantId(),
                    "merchant-dashboard:" + who.email(), new CancelSession("cancelled in the dashboard")));
            if (result.getOutcome() != CommandOutcome.APPLIED && result.getOutcome() != CommandOutcome.DUPLICATE) {
                return sessionWithError(who, state, "The session was not cancelled: " + result.getErrorCode());
            }
            return pages.redirect("/dashboard/sessions/" + state.getSessionId() + "?done=cancelled");
        });
    }

    /** What a form on a session's page does, once it is known to be the signed-in merchant's, about their own session. */
    @FunctionalInterface
    private interface Action {
        HttpResponse<?> on(DashboardSessions.Principal who, SessionState state) throws Exception;
    }

    /** A form posted on a session's page (signed in, its CSRF token checked by {@link SignedInForms}) about one of the merchant's sessions. */
    private HttpResponse<?> act(DashboardSessions.Principal who, String id, Action action) throws Exception {
        SessionState state = own(who, id);
        if (state == null) {
            throw new DashboardNotFound.Missing();
        }
        return action.on(who, state);
    }

    private HttpResponse<?> sessionWithError(DashboardSessions.Principal who, SessionState state, String error) throws Exception {
        SessionHistory.SessionLog log = sessionReads.timeline(state.getSessionId());
        Map<String, Object> model = pages.base(who, "Session " + state.getSessionId(), "payments");
        model.put("s", PaymentSearch.row(state, offerStore));
        model.put("timeline", MerchantTimeline.view(MerchantTimeline.of(log, state.getCurrency())));
        model.put("canCancel", false);
        model.put("canRefund", state.getStatus() == SessionStatus.PAID);
        model.put("refundable", "");
        model.put("canResend", !log.events().isEmpty());
        model.put("inReview", state.getStatus() == SessionStatus.REVIEW);
        model.put("canReject", !state.getReviewMoneyReceived());
        model.put("payer", PayerLines.of(state));
        model.put("refundKey", UUID.randomUUID().toString().replace("-", ""));
        model.put("error", error);
        return pages.render(HttpStatus.BAD_REQUEST, "dashboard/session", model);
    }

    /** The signed-in merchant's session with this id, or null (not a number, not theirs, not there: the same answer). */
    private SessionState own(DashboardSessions.Principal who, String id) throws InterruptedException {
        if (id == null || !id.matches("[0-9]{1,19}")) {
            return null;
        }
        long sessionId;
        try {
            sessionId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
        SessionState state = views.session(sessionId);
        return state == null || state.getMerchantId() != who.merchantId() ? null : state;
    }

}
