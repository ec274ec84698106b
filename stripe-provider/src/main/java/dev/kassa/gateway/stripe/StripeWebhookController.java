package dev.kassa.gateway.stripe;

import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewayMetrics;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.router.Catalogue;
import dev.kassa.schemas.avro.CommandResult;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /api/providers/stripe/webhook}: Stripe's events for Kassa's attempts. Verified with the SDK against the
 * endpoint's signing secret before anything is read (an unsigned, wrongly signed, stale or malformed callback is a
 * 400 that changes nothing); a Checkout event of a Kassa attempt becomes a provider report ({@link StripeEvents});
 * any other event is acknowledged with 200 and ignored, so Stripe does not retry it for days.
 */
@Hidden
@Controller("/api/providers/stripe")
@ExecuteOn(TaskExecutors.BLOCKING)
@Requires(property = "kassa.gateway.development", notEquals = "true")
class StripeWebhookController {

    /** A Stripe event is a few kilobytes; anything far larger is not one, and is refused unread. */
    static final int MAX_BODY = 256 * 1024;

    private final StripeAccounts accounts;
    private final CommandBus commandBus;
    private final SessionCommands commands;

    StripeWebhookController(StripeAccounts accounts, CommandBus commandBus, SessionCommands commands) {
        this.accounts = accounts;
        this.commandBus = commandBus;
        this.commands = commands;
    }

    @Post("/webhook")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> event(@Header(value = "Stripe-Signature", defaultValue = "") String signature,
                                            @Nullable @Body byte[] raw) throws Exception {
        String slug = Catalogue.STRIPE.slug();
        String secret = accounts.current().map(StripeAccounts.Account::webhookSecret).orElse(null);
        if (secret == null) {
            GatewayMetrics.callback(slug, "invalid_signature");
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "no Stripe account with a webhook secret is configured (kassa providers add stripe)");
        }
        byte[] bytes = raw == null ? new byte[0] : raw;
        if (bytes.length > MAX_BODY) {
            GatewayMetrics.callback(slug, "invalid_callback");
            throw new ApiError(ErrorCode.INVALID_CALLBACK, "a Stripe event is at most " + MAX_BODY + " bytes");
        }
        Optional<StripeEvents.Report> read;
        try {
            read = StripeEvents.read(new String(bytes, StandardCharsets.UTF_8), signature, secret,
                    Clock.fixed(commands.now(), ZoneOffset.UTC));
        } catch (StripeEvents.Refused e) {
            GatewayMetrics.callback(slug, e.signature() ? "invalid_signature" : "invalid_callback");
            throw new ApiError(e.signature() ? ErrorCode.INVALID_SIGNATURE : ErrorCode.INVALID_CALLBACK, e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        if (read.isEmpty()) {
            GatewayMetrics.callback(slug, "ignored");
            answer.put("outcome", "ignored");
            return HttpResponse.ok(answer);
        }
        StripeEvents.Report report = read.get();
        var command = commands.of("provider:" + slug + ":" + report.eventId(), report.sessionId(), 0, "provider:" + slug,
                report.toProviderReport(bytes, commands.now()));
        CommandResult result;
        try {
            result = commandBus.send(command, Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            GatewayMetrics.callback(slug, "unavailable");
            throw new ApiError(ErrorCode.UNAVAILABLE, "not recorded yet; Stripe sends the event again");
        }
        String outcome = result.getOutcome().name().toLowerCase(Locale.ROOT);
        GatewayMetrics.callback(slug, outcome);
        answer.put("outcome", outcome);
        answer.put("error", result.getErrorCode());
        return HttpResponse.ok(answer);
    }
}
