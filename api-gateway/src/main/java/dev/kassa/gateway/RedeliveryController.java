package dev.kassa.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.aggregate.app.EventLogReplay;
import dev.kassa.relay.delivery.Redeliveries;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionEvent;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /admin/webhooks/redeliver} with {@code event_id}, {@code session_id}, or {@code from} and {@code to}:
 * the same as {@code kassa redeliver}. The bodies are rebuilt from the event log; the relay sends them, marked.
 */
@Controller("/admin/webhooks")
@ExecuteOn(TaskExecutors.BLOCKING)
class RedeliveryController {

    private final GatewaySettings settings;
    private final KafkaBackend kafka;

    RedeliveryController(GatewaySettings settings, KafkaBackend kafka) {
        this.settings = settings;
        this.kafka = kafka;
    }

    @Post("/redeliver")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> redeliver(@Header(value = "Authorization", defaultValue = "") String authorization,
                                                @Nullable @Body String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        String eventId = Json.text(json, "event_id");
        Long sessionId = json.hasNonNull("session_id") ? json.get("session_id").asLong() : null;
        if (sessionId == null && eventId != null && eventId.matches("evt_\\d+_\\d+")) {
            sessionId = Long.parseLong(eventId.split("_")[1]); // an event id names its session
        }
        Redeliveries.Selection selection;
        try {
            selection = new Redeliveries.Selection(json.hasNonNull("session_id") ? sessionId : null, eventId,
                    instant(Json.text(json, "from"), "from"), instant(Json.text(json, "to"), "to"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "missing_field", e.getMessage().replace("--", ""));
        }
        List<SessionEvent> log = new ArrayList<>();
        if (sessionId != null) {
            EventLogReplay.readSessionPartition(settings.bootstrapServers(), Topics.SESSION_EVENTS.name(), sessionId,
                    Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null) {
                            log.add(e);
                        }
                    });
        } else {
            EventLogReplay.readToEnd(settings.bootstrapServers(), Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                    Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null) {
                            log.add(e);
                        }
                    });
        }
        List<RedeliveryRequest> requests = Redeliveries.select(log, selection, "operator:admin-api", Instant.now());
        if (requests.isEmpty()) {
            throw new ApiError(HttpStatus.NOT_FOUND, "not_found", "no event matched");
        }
        for (RedeliveryRequest request : requests) {
            kafka.redeliver(request);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("queued", requests.size());
        answer.put("event_ids", requests.stream().map(RedeliveryRequest::getEventId).toList());
        return HttpResponse.ok(answer);
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_" + field, "'" + field + "' must be an ISO-8601 instant such as 2026-02-25T12:00:00Z");
        }
    }
}
