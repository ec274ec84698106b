package dev.kassa.gateway.checkout;

import dev.kassa.gateway.kafka.CommandSender;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.Money;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.Map;
import java.util.UUID;

/**
 * "Cancel and return to the shop" on the hosted page ({@code POST /pay/cancel}, form field {@code session}). While no
 * attempt is pending (created, or the last attempt failed) it cancels the session, with the buyer as the event's actor,
 * and answers 303 to the shop's {@code cancel_url} with {@code session_id} added (or to the checkout, which then says it
 * was cancelled). A session that is pending, paid or in any other state is not cancelled: the buyer is sent to the
 * checkout, which shows the truth. A second click of a cancelled session leads to the shop again.
 */
@Hidden
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
class BuyerCancelController {

    static final String ACTOR = "buyer";

    private final SessionReads sessionReads;
    private final CommandSender aggregate;
    private final SessionCommands commands;
    private final GatewaySettings settings;
    private final CheckoutPages pages;

    BuyerCancelController(SessionReads sessionReads, CommandSender aggregate, SessionCommands commands, GatewaySettings settings,
                          CheckoutPages pages) {
        this.sessionReads = sessionReads;
        this.aggregate = aggregate;
        this.commands = commands;
        this.settings = settings;
        this.pages = pages;
    }

    @Post("/pay/cancel")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    HttpResponse<String> cancel(@Body Map<String, String> form) throws InterruptedException {
        String raw = form.get("session");
        SessionState s = raw == null || !raw.trim().matches("\\d{1,16}") ? null
                : sessionReads.knownSession(Long.parseLong(raw.trim()), settings.sessionWait());
        if (s == null) {
            throw new CheckoutNotFound();
        }
        String checkout = "/pay.php?session=" + s.getSessionId();
        if (s.getStatus() == SessionStatus.CANCELLED) {
            return CheckoutPages.seeOther(s.getCancelUrl() != null ? CheckoutPages.cancelUrl(s) : checkout);
        }
        if (s.getStatus() != SessionStatus.CREATED && s.getStatus() != SessionStatus.FAILED) {
            return CheckoutPages.seeOther(checkout);
        }
        CommandResult result;
        try {
            result = aggregate.sendOrUnavailable(commands.of("buyer-cancel-" + UUID.randomUUID(), s.getSessionId(), s.getMerchantId(),
                    ACTOR, new CancelSession("cancelled by the buyer on the hosted page")));
        } catch (ApiError unavailable) {
            Map<String, Object> page = pages.summary(s, Money.toDecimal(s.getAmountMinor(), s.getCurrency()), null);
            page.put("error", "The checkout could not be cancelled just now. Nothing was charged; please try again.");
            return pages.session(HttpStatus.SERVICE_UNAVAILABLE, page);
        }
        boolean cancelled = result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE;
        return CheckoutPages.seeOther(cancelled && s.getCancelUrl() != null ? CheckoutPages.cancelUrl(s) : checkout);
    }
}
