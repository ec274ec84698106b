package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateways of one deployment on one broker.
 *
 * <p>Changes of one merchant's record from two gateways at the same moment (two operators, or an operator and the
 * merchant's dashboard): each is a read-modify-write of the whole record, and without a check the later write would
 * carry the record as it was before the other — a lost change, or a revoked key's hash brought back. Every pair here
 * changes two different fields at once; afterwards both changes are in the record, every time.
 *
 * <p>A routing change through one gateway is in effect on the other with no restart, and the next decision there
 * records its version.
 */
@ExtendWith(KafkaExtension.class)
class TwoGatewaysTest {

    private static final String ADMIN = "merchant-change-fence-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GatewayStack stack;
    private static GatewayServer other;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        // Two gateways of one deployment: the same views application (whose transactional-id prefix the fence uses).
        Map<String, Object> deployment = Map.of("kassa.gateway.views-application-id", "merchant-fence-views");
        stack = GatewayStack.start(kafka, "merchant-fence", ADMIN, deployment);
        other = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true, deployment);
        assertThat(other.awaitReady(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stop() {
        other.close();
        stack.close();
    }

    @Test
    void a_routing_change_on_one_gateway_rules_the_next_decision_on_the_other_without_a_restart(KafkaCluster kafka) throws Exception {
        HttpResponse<String> merchant = send(stack.gateway, "POST", "/admin/merchants",
                "{\"email\":\"routing@example.com\",\"domains\":[\"routing.example\"],\"package\":\"pro\",\"checkout_mode\":\"smart_router\"}");
        assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
        String apiKey = JSON.readTree(merchant.body()).get("api_key").asText();
        assertThat(JSON.readTree(send(other, "GET", "/admin/routing", null).body()).get("source").asText()).isEqualTo("flags");
        String before = cardSession(other, apiKey, "R-BEFORE").get("selected_provider").asText();
        String preferred = before.equals("revolut") ? "transak" : "revolut";
        try {
            HttpResponse<String> changed = send(stack.gateway, "PUT", "/admin/routing",
                    "{\"rules\":\"card=" + preferred + "\",\"unhealthy\":[\"moonpay\"],\"note\":\"try " + preferred + " first\"}");
            assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
            long version = JSON.readTree(changed.body()).get("version").asLong();
            assertThat(version).isPositive();
            long written = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() ->
                    assertThat(JSON.readTree(send(other, "GET", "/admin/routing", null).body()).get("version").asLong()).isEqualTo(version));
            System.out.printf("TwoGatewaysTest: routing version %d in effect on the other gateway %d ms after the PUT was answered%n",
                    version, (System.nanoTime() - written) / 1_000_000);
            JsonNode shown = JSON.readTree(send(other, "GET", "/admin/routing", null).body());
            assertThat(shown.get("rules_version").asText()).isEqualTo("v" + version);
            assertThat(shown.get("unhealthy")).extracting(JsonNode::asText).containsExactly("moonpay");
            assertThat(shown.get("note").asText()).isEqualTo("try " + preferred + " first");

            JsonNode after = cardSession(other, apiKey, "R-AFTER");
            assertThat(after.get("selected_provider").asText()).isEqualTo(preferred);
            long session = after.get("session_id").asLong();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(SessionHistory.read(KafkaAccess.of(kafka.bootstrapServers()), session)
                    .routes()).singleElement().satisfies(r -> assertThat(r.getInputs().getRulesVersion()).isEqualTo("v" + version)));

            HttpResponse<String> stale = send(other, "PUT", "/admin/routing", "{\"rules\":\"\",\"expected_version\":" + (version - 1) + "}");
            assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
            assertThat(JSON.readTree(stale.body()).get("error").asText()).isEqualTo("routing_version_conflict");
            HttpResponse<String> wrong = send(other, "PUT", "/admin/routing", "{\"rules\":\"card=acme\"}");
            assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
            assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("invalid_routing_rules");
            assertThat(JSON.readTree(wrong.body()).get("message").asText()).contains("'acme', which is not a provider");
        } finally {
            // Other test classes share this broker: their gateways route with their own flags again.
            assertThat(send(other, "DELETE", "/admin/routing", null).statusCode()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(JSON.readTree(send(stack.gateway, "GET", "/admin/routing", null).body()).get("source").asText()).isEqualTo("flags"));
    }

    /** A card session of 49.95 EUR created through {@code gateway} (its answer names the provider smart routing chose). */
    private static JsonNode cardSession(GatewayServer gateway, String apiKey, String order) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/session.php"))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"routing.example\",\"amount\":\"49.95\",\"currency\":\"EUR\","
                        + "\"order_id\":\"" + order + "\",\"method\":\"card\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body());
    }

    /**
     * A support lookup: every session of a merchant's order, and every session of a buyer's e-mail across merchants,
     * whichever gateway holds which partition of the views (the e-mail's blind index is asked of both).
     */
    @Test
    void a_support_lookup_by_order_or_by_email_finds_the_sessions_from_either_gateway() throws Exception {
        List<String> keys = new ArrayList<>();
        List<Long> merchants = new ArrayList<>();
        for (int m = 0; m < 6; m++) {
            HttpResponse<String> merchant = send(stack.gateway, "POST", "/admin/merchants",
                    "{\"email\":\"lookup" + m + "@example.com\",\"domains\":[\"lookup.example\"]}");
            assertThat(merchant.statusCode()).as(merchant.body()).isEqualTo(201);
            keys.add(JSON.readTree(merchant.body()).get("api_key").asText());
            merchants.add(JSON.readTree(merchant.body()).get("merchant_id").asLong());
        }
        List<Long> ofBuyer = new ArrayList<>(); // the first is merchant 0's
        for (int m = 0; m < 6; m++) {
            ofBuyer.add(create(m % 2 == 0 ? stack.gateway : other, keys.get(m), "TICKET-1", "Ticket.Buyer@Example.com"));
        }
        long again = create(other, keys.get(0), "TICKET-1", null); // the buyer tried again, without the address
        create(stack.gateway, keys.get(0), "TICKET-10", "someone.else@example.com");

        for (GatewayServer asked : List.of(stack.gateway, other)) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode byOrder = JSON.readTree(send(asked, "POST", "/admin/sessions/lookup",
                        "{\"merchant_id\":" + merchants.get(0) + ",\"order_id\":\"TICKET-1\"}").body());
                assertThat(byOrder.get("sessions")).extracting(s -> s.get("session_id").asLong())
                        .containsExactlyInAnyOrder(again, ofBuyer.get(0));
                JsonNode byEmail = JSON.readTree(send(asked, "POST", "/admin/sessions/lookup", "{\"email\":\" ticket.buyer@example.COM\"}").body());
                assertThat(byEmail.get("sessions")).extracting(s -> s.get("session_id").asLong()).containsExactlyInAnyOrderElementsOf(ofBuyer);
                assertThat(byEmail.get("sessions").get(0).get("order_id").asText()).isEqualTo("TICKET-1");
            });
        }
        HttpResponse<String> neither = send(other, "POST", "/admin/sessions/lookup", "{\"order_id\":\"TICKET-1\"}");
        assertThat(neither.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(neither.body()).get("error").asText()).isEqualTo("invalid_lookup");
    }

    private static long create(GatewayServer gateway, String apiKey, String order, String email) throws Exception {
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/session.php"))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"lookup.example\",\"amount\":\"5.00\",\"currency\":\"EUR\","
                        + "\"order_id\":\"" + order + "\"" + (email == null ? "" : ",\"customer_email\":\"" + email + "\"") + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        return JSON.readTree(created.body()).get("session_id").asLong();
    }

    @Test
    void concurrent_changes_of_one_merchant_from_two_gateways_are_never_lost(KafkaCluster kafka) throws Exception {
        HttpResponse<String> created = send(stack.gateway, "POST", "/admin/merchants",
                "{\"email\":\"fence@example.com\",\"domains\":[\"fence.example\"],\"package\":\"pro\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long id = JSON.readTree(created.body()).get("merchant_id").asLong();
        for (int round = 1; round <= 12; round++) {
            CountDownLatch go = new CountDownLatch(1);
            int grace = 100 + round;
            int ttl = 200 + round;
            CompletableFuture<HttpResponse<String>> a = CompletableFuture.supplyAsync(() -> patch(go, stack.gateway, id,
                    "{\"grace_seconds\":" + grace + "}"));
            CompletableFuture<HttpResponse<String>> b = CompletableFuture.supplyAsync(() -> patch(go, other, id,
                    "{\"session_ttl_seconds\":" + ttl + "}"));
            go.countDown();
            assertThat(a.get().statusCode()).as(a.get().body()).isEqualTo(200);
            assertThat(b.get().statusCode()).as(b.get().body()).isEqualTo(200);
            Merchant record = latest(kafka, id);
            assertThat(record.getGraceSeconds()).as("round %d: the first gateway's change", round).isEqualTo(grace);
            assertThat(record.getSessionTtlSeconds()).as("round %d: the second gateway's change", round).isEqualTo(ttl);
        }
    }

    private static HttpResponse<String> patch(CountDownLatch go, GatewayServer gateway, long id, String body) {
        try {
            go.await();
            return send(gateway, "PATCH", "/admin/merchants/" + id, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Merchant latest(KafkaCluster kafka, long id) {
        Map<Long, Merchant> latest = new HashMap<>();
        EventLogReplay.readToEnd(KafkaAccess.of(kafka.bootstrapServers()), Topics.MERCHANTS.name(), Topics.MERCHANTS.keySerde().deserializer(),
                Topics.MERCHANTS.valueSerde().deserializer(), (Long key, Merchant m) -> latest.put(key, m));
        return latest.get(id);
    }

    private static HttpResponse<String> send(GatewayServer gateway, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
