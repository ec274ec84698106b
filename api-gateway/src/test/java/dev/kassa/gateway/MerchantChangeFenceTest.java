package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Changes of one merchant's record from two gateways at the same moment (two operators, or an operator and the
 * merchant's dashboard): each is a read-modify-write of the whole record, and without a check the later write would
 * carry the record as it was before the other — a lost change, or a revoked key's hash brought back. Every pair here
 * changes two different fields at once; afterwards both changes are in the record, every time.
 */
@ExtendWith(KafkaExtension.class)
class MerchantChangeFenceTest {

    private static final String ADMIN = "merchant-change-fence-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void concurrent_changes_of_one_merchant_from_two_gateways_are_never_lost(KafkaCluster kafka) throws Exception {
        // Two gateways of one deployment: the same views application (whose transactional-id prefix the fence uses).
        Map<String, Object> deployment = Map.of("kassa.gateway.views-application-id", "merchant-fence-views");
        try (GatewayStack stack = GatewayStack.start(kafka, "merchant-fence", ADMIN, deployment);
             GatewayServer other = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true, deployment)) {
            assertThat(other.awaitReady(Duration.ofSeconds(60))).isTrue();
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
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
