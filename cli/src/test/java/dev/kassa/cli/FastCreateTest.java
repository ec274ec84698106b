package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.FreePorts;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.model.SeedTime;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.avro.SessionState;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast create (answered once its command is durably appended, before the aggregate applied it): no create that
 * was answered 200 is ever lost or ends up different from its answer — even when the gateway is killed with SIGKILL
 * while creates are in flight, right after answering them.
 */
@ExtendWith(KafkaExtension.class)
class FastCreateTest {

    private static final String ADMIN = "fast-create-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** One answered create: what the merchant was told. */
    private record Answered(long sessionId, String orderId, long amountMinor, String expiresAt) {
    }

    @Test
    void no_acknowledged_create_is_lost_or_answered_differently_when_the_gateway_is_killed_right_after_answering(KafkaCluster kafka)
            throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String bootstrap = kafka.bootstrapServers();
        AggregateService.Config a = AggregateService.Config.defaults(bootstrap, dir.resolve("aggregate"));
        int port = FreePorts.pick();
        String url = "http://localhost:" + port;
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(a.kafka(), "fast-create-" + System.nanoTime(),
                a.stateDir(), a.commitInterval(), 0, a.settings(), Map.of()))) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            Process gateway = ChildJvm.start("fast-create-gateway", Kassa.class, Map.of("KASSA_ADMIN_TOKEN", ADMIN),
                    "gateway", "--bootstrap", bootstrap, "--port", String.valueOf(port), "--public-url", url, "--development");
            try {
                await().atMost(Duration.ofSeconds(90)).ignoreExceptionsInstanceOf(ConnectException.class)
                        .until(() -> send(url, "GET", "/health", null, null).statusCode() == 200);
                JsonNode merchant = JSON.readTree(send(url, "POST", "/admin/merchants", "Bearer " + ADMIN,
                        "{\"email\":\"f@fast.example\",\"domains\":[\"fast.example\"],\"package\":\"pro\"}").body());
                long merchantId = merchant.get("merchant_id").asLong();
                String key = merchant.get("api_key").asText();

                List<Answered> answered = new CopyOnWriteArrayList<>();
                AtomicInteger failed = new AtomicInteger();
                ExecutorService clients = Executors.newFixedThreadPool(16);
                AtomicInteger next = new AtomicInteger();
                for (int t = 0; t < 16; t++) {
                    // Each client creates until a request of its own goes unanswered: the load is still running when the
                    // gateway dies however fast this machine is, and every client ends once it has met the dead gateway.
                    clients.submit(() -> {
                        while (true) {
                            int n = next.getAndIncrement();
                            long amount = 100 + n % 10_000;
                            String order = "FAST-" + n;
                            try {
                                HttpResponse<String> created = send(url, "POST", "/gateway/session.php", "Bearer " + key,
                                        "{\"domain\":\"fast.example\",\"amount\":\"" + amount / 100 + "." + String.format("%02d", amount % 100)
                                                + "\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}");
                                if (created.statusCode() != 200) {
                                    failed.incrementAndGet();
                                    return;
                                }
                                JsonNode body = JSON.readTree(created.body());
                                answered.add(new Answered(body.get("session_id").asLong(), order, amount, body.get("expires_at").asText()));
                            } catch (Exception e) {
                                failed.incrementAndGet(); // the gateway is gone: the request was never answered
                                return;
                            }
                        }
                    });
                }
                // SIGKILL while creates are being answered: the last answers leave just before the process dies.
                await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= 150);
                gateway.destroyForcibly();
                assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).isTrue();
                clients.shutdown();
                assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
                System.out.printf("fast create: %d answered 200 before the kill -9, %d not answered%n", answered.size(), failed.get());
                assertThat(failed.get()).as("requests in flight when the gateway died").isPositive();

                // Every answered create is a session, exactly as answered: merchant, order, amount, expiry.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<Long, SessionState> states = EventLogReplay.readStateTopic(KafkaAccess.of(bootstrap));
                    for (Answered x : answered) {
                        SessionState state = states.get(x.sessionId());
                        assertThat(state).as("session %d (%s)", x.sessionId(), x.orderId()).isNotNull();
                        assertThat(state.getMerchantId()).isEqualTo(merchantId);
                        assertThat(state.getOrderId()).isEqualTo(x.orderId());
                        assertThat(state.getAmountMinor()).isEqualTo(x.amountMinor());
                        assertThat(state.getCurrency()).isEqualTo("EUR");
                        assertThat(SeedTime.format(state.getExpiresAt())).isEqualTo(x.expiresAt());
                    }
                });
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> send(String base, String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
