package dev.kassa.gateway.checkout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.payments.ProviderSecrets;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewayMetrics;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.SessionCommand;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
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
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /api/webhook.php}: a payment provider's callback. The signature is checked on the raw bytes before
 * anything is parsed: {@code X-Provider-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} with the
 * provider's secret, in constant time, within five minutes of now. Then it becomes a provider-report command; a
 * duplicate or a report the session cannot take is still a 200 (recorded, never to be retried by the provider). The
 * provider is the one named by {@code X-Provider} whose secret verified the body: the aggregate checks that it is the
 * provider of the attempt the report names (SPEC.md, Money integrity).
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller("/api")
@ExecuteOn(TaskExecutors.BLOCKING)
class ProviderCallbackController {

    static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final CommandBus commandBus;
    private final ProviderSecrets secrets;

    private final SessionCommands commands;

    ProviderCallbackController(CommandBus commandBus, ProviderSecrets secrets, SessionCommands commands) {
        this.commands = commands;
        this.commandBus = commandBus;
        this.secrets = secrets;
    }

    @Post("/webhook.php")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> callback(@Header(value = "X-Provider", defaultValue = "") String provider,
                                               @Header(value = "X-Provider-Signature", defaultValue = "") String signature,
                                               @Nullable @Body byte[] raw) throws Exception {
        String slug = provider.trim().toLowerCase(Locale.ROOT);
        try {
            HttpResponse<Map<String, Object>> answer = record(slug, signature, raw);
            GatewayMetrics.callback(slug, String.valueOf(answer.body().get("outcome")));
            return answer;
        } catch (ApiError e) {
            GatewayMetrics.callback(slug, e.code().startsWith("invalid_signature") ? "invalid_signature"
                    : e.code().equals("unavailable") ? "unavailable" : "invalid_callback");
            throw e;
        }
    }

    private HttpResponse<Map<String, Object>> record(String slug, String signature, byte[] raw) throws Exception {
        String provider = slug;
        String secret = secrets.secretOf(slug);
        if (secret == null) {
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "unknown provider '" + provider + "' (X-Provider)");
        }
        byte[] bytes = raw == null ? new byte[0] : raw;
        verify(bytes, signature, secret, commands.now());
        JsonNode json = Json.object(new String(bytes, StandardCharsets.UTF_8));
        String eventId = require(json, "event_id");
        long sessionId;
        try {
            sessionId = Long.parseLong(require(json, "session_id"));
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.INVALID_SESSION_ID, "'session_id' must be a number");
        }
        Map<String, String> references = new HashMap<>();
        JsonNode refs = json.get("references");
        if (refs != null && refs.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = refs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> ref = it.next();
                references.put(ref.getKey(), ref.getValue().asText());
            }
        }
        Long amount = null;
        if (json.hasNonNull("amount_minor")) {
            JsonNode given = json.get("amount_minor");
            if (!given.isIntegralNumber() || !given.canConvertToLong() || given.asLong() < 0) {
                throw new ApiError(ErrorCode.INVALID_AMOUNT, "'amount_minor' must be a whole number of minor units, 0 or more");
            }
            amount = given.asLong();
        }
        String currency = Json.text(json, "currency");
        if (currency != null && !currency.matches("[A-Za-z]{3}")) {
            throw new ApiError(ErrorCode.INVALID_CURRENCY, "'currency' must be a three-letter code such as EUR");
        }
        String attemptId = Json.text(json, "attempt_id");
        if (attemptId != null && attemptId.length() > 64 || eventId.length() > 128) {
            throw new ApiError(ErrorCode.INVALID_CALLBACK, "'attempt_id' has at most 64 characters and 'event_id' at most 128");
        }
        // Merchant 0: a provider cannot know it; the aggregate keeps the session's own.
        SessionCommand command = commands.of("provider:" + slug + ":" + eventId, sessionId, 0, "provider:" + slug, ProviderReport.newBuilder()
                        .setProvider(slug).setProviderEventId(eventId).setProviderStatus(require(json, "status"))
                        .setStatus(ReportedStatus.UNKNOWN) // the aggregate normalizes the provider's word
                        .setAttemptId(attemptId).setProviderPaymentId(Json.text(json, "payment_id"))
                        .setReferences(references).setAmountMinor(amount).setCurrency(currency == null ? null : currency.toUpperCase(Locale.ROOT))
                        .setNextAction(Json.text(json, "next_action")).setFailureCode(Json.text(json, "failure_code"))
                        .setFailureMessage(Json.text(json, "failure_message"))
                        .setPayloadSha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                        .setReportedAt(commands.now()).build());
        CommandResult result;
        try {
            result = commandBus.send(command, Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE, "not recorded yet; send the callback again");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("outcome", result.getOutcome().name().toLowerCase(Locale.ROOT));
        answer.put("error", result.getErrorCode());
        answer.put("status", result.getStatus() == null ? null : result.getStatus().name().toLowerCase(Locale.ROOT));
        return HttpResponse.ok(answer);
    }

    /** {@code t=<seconds>,v1=<hex>}: HMAC-SHA256 of {@code t + "." + body}, compared in constant time, t within tolerance. */
    static void verify(byte[] body, String header, String secret, Instant now) {
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null) {
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "X-Provider-Signature must be t=<unix seconds>,v1=<hex HMAC>");
        }
        long seconds;
        try {
            seconds = Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "t is not a number of seconds");
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "the signature's timestamp is more than 5 minutes off");
        }
        String expected = ProviderSecrets.sign(body, seconds, secret);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiError(ErrorCode.INVALID_SIGNATURE, "the signature does not match the body");
        }
    }

    private static String require(JsonNode json, String field) {
        String value = Json.text(json, field);
        if (value == null || value.isBlank()) {
            throw ApiError.missingField(field);
        }
        return value;
    }
}
