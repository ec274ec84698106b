package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code GET /gateway/sessions.php}: the merchant's own sessions, newest first, paged, filtered; bad input refused. */
@ExtendWith(KafkaExtension.class)
class SessionListTest {

    private static final String ADMIN = "session-list-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayStack stack;
    private static GatewayServer gateway;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        stack = GatewayStack.start(kafka, "session-list", ADMIN);
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void a_merchant_pages_through_its_own_sessions_newest_first_and_filters_by_status() throws Exception {
        String key = merchant("list-a@example.com");
        String other = merchant("list-b@example.com");
        List<Long> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(create(key, "L-" + i));
        }
        long foreign = create(other, "L-0");
        for (long id : List.of(created.get(1), created.get(4))) {
            HttpResponse<String> cancel = send("POST", "/gateway/cancel.php", key, "{\"session_id\":" + id + "}");
            assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
        }

        // The list sits behind a repartition by merchant: it follows the sessions by a moment.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(ids(list(key, "limit=100&status=cancelled"))).containsExactlyInAnyOrder(created.get(1), created.get(4)));

        List<Long> seen = new ArrayList<>();
        List<String> createdAt = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            JsonNode page = list(key, "limit=3" + (cursor.isEmpty() ? "" : "&starting_after=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            assertThat(page.get("sessions").size()).isLessThanOrEqualTo(3);
            page.get("sessions").forEach(s -> {
                seen.add(s.get("id").asLong());
                createdAt.add(s.get("created_at").asText());
            });
            cursor = page.get("next_cursor").isNull() ? "" : page.get("next_cursor").asText();
            pages++;
        } while (!cursor.isEmpty() && pages < 10);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).as("every session once, none of the other merchant's").containsExactlyInAnyOrderElementsOf(created)
                .doesNotContain(foreign).doesNotHaveDuplicates();
        List<String> newestFirst = new ArrayList<>(createdAt);
        newestFirst.sort(java.util.Comparator.reverseOrder());
        assertThat(createdAt).as("newest first").isEqualTo(newestFirst);
        assertThat(ids(list(other, "limit=100"))).containsExactly(foreign);
        assertThat(ids(list(key, "limit=100&status=created,cancelled"))).hasSize(7);
        assertThat(ids(list(key, "limit=100&status=paid"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            limit 0            | limit=0                      | invalid_limit
            limit 101          | limit=101                    | invalid_limit
            limit not a number | limit=ten                    | invalid_limit
            unknown status     | status=paid,bogus            | invalid_status
            empty status       | status=paid,                 | invalid_status
            made-up cursor     | starting_after=abc           | invalid_cursor
            cursor too large   | starting_after=c_99999999999999999999_1 | invalid_cursor
            """)
    void bad_input_is_a_400_with_its_code(String name, String query, String code) throws Exception {
        String key = merchant("list-bad-" + code + "-" + System.nanoTime() + "@example.com");
        HttpResponse<String> answer = send("GET", "/gateway/sessions.php?" + query, key, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo(code);
    }

    private static Set<Long> ids(JsonNode page) {
        Set<Long> ids = new HashSet<>();
        page.get("sessions").forEach(s -> ids.add(s.get("id").asLong()));
        return ids;
    }

    private static JsonNode list(String key, String query) throws Exception {
        HttpResponse<String> answer = send("GET", "/gateway/sessions.php?" + query, key, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static long create(String key, String order) throws Exception {
        HttpResponse<String> created = send("POST", "/gateway/session.php", key,
                "{\"domain\":\"yourshop.com\",\"amount\":\"4.00\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("session_id").asLong();
    }

    private static String merchant(String email) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/admin/merchants"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return "Bearer " + JSON.readTree(created.body()).get("api_key").asText();
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
