package dev.kassa.gateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.PaymentConnector;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.router.RouteDecision;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /sandbox/sessions/{id}/pay} (SPEC.md): drives the same path as the hosted page's test cards, from tests
 * and scripts: {@code {"outcome": "paid|failed|review|requires_action", "method"?, "provider"?, "country"?,
 * "failure_code"?, "duplicates"?: N, "delay_ms"?: N, "out_of_order"?: bool}} → 202 with the attempt and provider.
 * Sandbox (development) mode only: 404 otherwise.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller("/sandbox")
@ExecuteOn(TaskExecutors.BLOCKING)
class SandboxController {

    private final MerchantDirectory merchantDirectory;
    private final SessionReads sessionReads;
    private final Routing routing;
    private final SandboxPayments sandbox;
    private final GatewaySettings settings;

    SandboxController(MerchantDirectory merchantDirectory, SessionReads sessionReads, Routing routing,
                      Optional<SandboxPayments> sandbox, GatewaySettings settings) {
        this.merchantDirectory = merchantDirectory;
        this.sessionReads = sessionReads;
        this.routing = routing;
        this.sandbox = sandbox.orElse(null);
        this.settings = settings;
    }

    @Post("/sessions/{sessionId}/pay")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> pay(String sessionId, @Nullable @Body String body) throws Exception {
        if (sandbox == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "the sandbox exists in sandbox mode only");
        }
        JsonNode json = Json.object(body == null || body.isBlank() ? "{}" : body);
        SessionState session = session(sessionId);
        Merchant merchant = merchantDirectory.merchant(session.getMerchantId());
        if (merchant == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "the session's merchant is unknown to this gateway");
        }
        String outcomeWord = Json.text(json, "outcome");
        if (outcomeWord == null) {
            throw ApiError.missingField("outcome");
        }
        SandboxPayments.Outcome outcome = switch (outcomeWord.trim().toLowerCase(Locale.ROOT)) {
            case "paid" -> SandboxPayments.Outcome.PAID;
            case "failed" -> "provider_error".equals(Json.text(json, "failure_code")) ? SandboxPayments.Outcome.PROVIDER_ERROR
                    : SandboxPayments.Outcome.FAILED;
            case "review" -> SandboxPayments.Outcome.REVIEW;
            case "requires_action" -> SandboxPayments.Outcome.REQUIRES_ACTION;
            default -> throw new ApiError(ErrorCode.INVALID_OUTCOME, "'outcome' must be paid, failed, review or requires_action");
        };
        int duplicates = json.path("duplicates").asInt(0);
        long delay = json.path("delay_ms").asLong(0);
        if (duplicates < 0 || duplicates > 20 || delay < 0 || delay > 60_000) {
            throw new ApiError(ErrorCode.INVALID_SWITCH, "'duplicates' must be 0 to 20 and 'delay_ms' 0 to 60000");
        }
        String method = Json.text(json, "method") == null ? "card" : Json.text(json, "method").trim().toLowerCase(Locale.ROOT);
        String hint = Json.text(json, "provider") != null ? Json.text(json, "provider") : method;
        String country = Json.text(json, "country");
        // The sandbox stands for the buyer choosing on the hosted page.
        Merchant asSmart = Routing.asBuyersChoice(merchant);
        RouteDecision route = routing.decide(asSmart, session.getSessionId(), hint, session.getAmountMinor(), session.getCurrency(),
                country == null ? null : country.toUpperCase(Locale.ROOT), "sandbox pay");
        if (route.chosen() == null) {
            throw new ApiError(ErrorCode.NO_PROVIDER, route.reason());
        }
        PaymentConnector.Started started = sandbox.pay(session, merchant, route.method().slug(), route.chosen(), outcome,
                Json.text(json, "failure_code"), Map.of(), new SandboxPayments.Options(duplicates, delay, json.path("out_of_order").asBoolean(false)),
                route, session.getPayer());
        if (!started.ok()) {
            throw new ApiError(ErrorCode.of(started.error()), started.message());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("session_id", session.getSessionId());
        answer.put("attempt_id", started.attemptId());
        answer.put("provider", started.provider());
        answer.put("method", route.method().slug());
        return HttpResponse.<Map<String, Object>>status(HttpStatus.ACCEPTED).body(answer);
    }

    private SessionState session(String raw) throws InterruptedException {
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session '" + raw + "'");
        }
        SessionState state = sessionReads.session(id, 1, settings.sessionWait()); // a session created a moment ago may be on its way
        if (state == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no session " + id);
        }
        return state;
    }
}
