package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.model.SessionFold;
import dev.kassa.model.WebhookPayload;
import dev.kassa.model.WebhookTypes;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /gateway/events.php} over a real broker, the aggregate and real HTTP: a merchant's events oldest first,
 * each exactly its webhook's body; paged two at a time through exactly the announced events of the log; the same
 * cursor continuing on another gateway; a type filter; bad, foreign and malformed cursors refused.
 */
@ExtendWith(KafkaExtension.class)
class EventsFeedTest {

    private static final String ADMIN = "events-feed-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void the_feed_pages_through_exactly_the_webhooks_of_the_log_and_its_cursor_holds_on_another_gateway(KafkaCluster kafka) throws Exception {
        try (GatewayStack stack = GatewayStack.start(kafka, "events-feed", ADMIN,
                // The read-your-writes wait is a bound, not a promise: on a busy machine the views' lag can pass the
                // default 5 s, and the feed would then answer without the writes (as designed). The test checks the
                // wait itself, so it gets a bound the lag never reaches.
                Map.of("kassa.gateway.session-wait", "60s"))) {
            String g = stack.gateway.url();
            String key = merchant(g, "feed@example.com");
            String other = merchant(g, "other-feed@example.com");
            long paid = create(g, key, "FEED-1");
            await().atMost(Duration.ofSeconds(60)).until(() -> send(g, "POST", "/sandbox/sessions/" + paid + "/pay", null,
                    "{\"outcome\":\"paid\"}", null).statusCode() == 202);
            await().atMost(Duration.ofSeconds(60)).until(() -> status(g, key, paid).equals("paid"));
            assertThat(send(g, "POST", "/gateway/refund.php", key, "{\"session_id\":" + paid + ",\"amount\":\"4.00\"}", "feed-r1").statusCode())
                    .isEqualTo(200);
            long cancelled = create(g, key, "FEED-2");
            await().atMost(Duration.ofSeconds(60)).until(() -> send(g, "POST", "/gateway/cancel.php", key,
                    "{\"session_id\":" + cancelled + "}", null).statusCode() == 200);
            create(g, other, "FEED-OTHER");

            // What the log says the merchant was told, in each session's order, with the webhook's exact body.
            Map<String, String> expected = new LinkedHashMap<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                expected.clear();
                expected.putAll(announced(kafka, paid, cancelled));
                return expected.size() == 6; // created, pending, paid, refund.succeeded; created, cancelled
            });

            // Two at a time, until has_more is false and every announced event has come.
            // Two at a time, following next_cursor, until every announced event has come (each poll reads one page on
            // from where the last one ended, as a reconciling merchant would).
            List<JsonNode> seen = new ArrayList<>();
            String[] cursor = {""};
            String[] firstPageNext = {null};
            int[] firstCount = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                JsonNode page = JSON.readTree(ok(send(g, "GET", "/gateway/events.php?limit=2&after=" + cursor[0], key, null, null)));
                assertThat(page.get("events").size()).isLessThanOrEqualTo(2);
                page.get("events").forEach(seen::add);
                cursor[0] = page.get("next_cursor").asText();
                if (firstPageNext[0] == null && page.get("events").size() > 0) {
                    firstPageNext[0] = cursor[0];
                    firstCount[0] = seen.size();
                }
                return seen.size() >= 6;
            });
            Map<String, String> got = new LinkedHashMap<>();
            for (JsonNode event : seen) {
                got.put(event.get("event_id").asText(), JSON.writeValueAsString(event));
            }
            assertThat(got).as("exactly the announced events, each its webhook's body").isEqualTo(expected);
            assertThat(seen.stream().filter(e -> e.get("session_id").asLong() == paid).map(e -> e.get("type").asText()))
                    .containsExactly("checkout.session.created", "checkout.session.pending", "checkout.session.paid", "refund.succeeded");

            // A filter by family; another gateway continues from the same cursor.
            JsonNode refunds = JSON.readTree(ok(send(g, "GET", "/gateway/events.php?types=refund.*", key, null, null)));
            assertThat(refunds.get("events")).singleElement().satisfies(e -> assertThat(e.get("type").asText()).isEqualTo("refund.succeeded"));
            try (GatewayServer second = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true, Map.of())) {
                String from = firstPageNext[0];
                int skip = firstCount[0];
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    JsonNode rest = JSON.readTree(ok(send(second.url(), "GET", "/gateway/events.php?limit=100&after=" + from, key, null, null)));
                    List<String> ids = new ArrayList<>();
                    rest.get("events").forEach(e -> ids.add(e.get("event_id").asText()));
                    assertThat(ids).containsExactlyElementsOf(new ArrayList<>(got.keySet()).subList(skip, 6));
                });
            }

            // Read-your-writes: a feed read right after creates and cancels answered on this gateway holds their events
            // (without the wait the aggregate's commit and the views' two hops make a read at once miss them).
            String own = merchant(g, "ryw-feed@example.com");
            String from = "";
            for (int round = 0; round < 5; round++) {
                List<Long> made = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    made.add(create(g, own, "RYW-" + round + "-" + i));
                }
                JsonNode page = JSON.readTree(ok(send(g, "GET", "/gateway/events.php?limit=500&after=" + from, own, null, null)));
                assertThat(types(page, made)).as("round " + round).containsExactlyInAnyOrderElementsOf(
                        made.stream().map(id -> id + " checkout.session.created").toList());
                from = page.get("next_cursor").asText();
                long cancel = made.get(0);
                await().atMost(Duration.ofSeconds(60)).until(() -> send(g, "POST", "/gateway/cancel.php", own,
                        "{\"session_id\":" + cancel + "}", null).statusCode() == 200);
                page = JSON.readTree(ok(send(g, "GET", "/gateway/events.php?limit=500&after=" + from, own, null, null)));
                assertThat(types(page, made)).as("round " + round).contains(made.get(0) + " checkout.session.cancelled");
                from = page.get("next_cursor").asText();
            }

            // Bad input: a malformed cursor, another merchant's, a limit out of range, a type that is none.
            String foreign = JSON.readTree(ok(send(g, "GET", "/gateway/events.php", other, null, null))).get("next_cursor").asText();
            assertError(send(g, "GET", "/gateway/events.php?after=" + foreign, key, null, null), "invalid_cursor");
            assertError(send(g, "GET", "/gateway/events.php?after=ev_x", key, null, null), "invalid_cursor");
            assertError(send(g, "GET", "/gateway/events.php?after=ev_1_99999999999999999999", key, null, null), "invalid_cursor");
            assertError(send(g, "GET", "/gateway/events.php?limit=501", key, null, null), "invalid_limit");
            assertError(send(g, "GET", "/gateway/events.php?types=charge.succeeded", key, null, null), "invalid_event_types");
            assertThat(send(g, "GET", "/gateway/events.php", null, null, null).statusCode()).isEqualTo(401);
        }
    }

    /** "session type" of each event of a page that belongs to one of {@code sessions}. */
    private static List<String> types(JsonNode page, List<Long> sessions) {
        List<String> found = new ArrayList<>();
        page.get("events").forEach(e -> {
            if (sessions.contains(e.get("session_id").asLong())) {
                found.add(e.get("session_id").asLong() + " " + e.get("type").asText());
            }
        });
        return found;
    }

    /** The events of these sessions that announce something, and the body each one's webhook has. */
    private static Map<String, String> announced(KafkaCluster kafka, long... sessions) {
        List<SessionEvent> log = new ArrayList<>();
        EventLogReplay.readToEnd(KafkaAccess.of(kafka.bootstrapServers()), Topics.SESSION_EVENTS.name(),
                Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                    if (e != null && java.util.Arrays.stream(sessions).anyMatch(s -> s == e.getSessionId())) {
                        log.add(e);
                    }
                });
        log.sort(java.util.Comparator.comparingLong(SessionEvent::getSessionId).thenComparingLong(SessionEvent::getSequence));
        Map<String, String> bodies = new LinkedHashMap<>();
        SessionFold.LogFold fold = new SessionFold.LogFold();
        for (SessionEvent event : log) {
            if (fold.accept(event) instanceof SessionFold.Folded folded && WebhookTypes.of(event) != null) {
                bodies.put(event.getEventId(), new String(WebhookPayload.body(event, folded.after()), StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }

    private static void assertError(HttpResponse<String> response, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo(code);
    }

    private static String ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String status(String g, String key, long session) throws Exception {
        return JSON.readTree(send(g, "GET", "/gateway/status.php?session_id=" + session, key, null, null).body()).at("/session/status").asText("");
    }

    private static String merchant(String g, String email) throws Exception {
        JsonNode answer = JSON.readTree(ok201(send(g, "POST", "/admin/merchants", "Bearer " + ADMIN,
                "{\"email\":\"" + email + "\",\"domains\":[\"feed.example\"],\"package\":\"pro\"}", null)));
        return "Bearer " + answer.get("api_key").asText();
    }

    private static String ok201(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return response.body();
    }

    private static long create(String g, String key, String order) throws Exception {
        return JSON.readTree(ok(send(g, "POST", "/gateway/session.php", key,
                "{\"domain\":\"feed.example\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}", null)))
                .get("session_id").asLong();
    }

    private static HttpResponse<String> send(String base, String method, String path, String authorization, String body, String idempotencyKey)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
