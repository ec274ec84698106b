package dev.kassa.gateway;

import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.kafka.UserStore;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.observability.Health;
import dev.kassa.schemas.KafkaAccess;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code GET /health}: 200 when the gateway can serve, 503 with the parts that cannot: {@code kafka} (the cluster
 * answers within 2 s), {@code replicas} (the merchants and session-state copies have caught up since start), and
 * every Streams service running in this JVM (in {@code kassa dev}: the aggregate and the relay, 503 while they
 * restore). The Kafka answer is kept for a second, so a tight probe does not load the cluster. With an admin port, the
 * public port answers {@code {"ok"}} only: the checks' details (brokers, partitions, services) are the operator's.
 */
@Hidden // not the merchant API: not in the OpenAPI document
@Controller("/health")
class HealthController {

    private static final Duration CACHE = Duration.ofSeconds(1);
    private final Admin admin;
    private volatile Health.Check lastKafka;
    private volatile long lastKafkaAt;

    private final SessionViews views;
    private final MerchantDirectory merchants;
    private final UserStore users;
    private final OfferStore offers;

    private final int adminPort;

    HealthController(MerchantDirectory merchants, UserStore users, OfferStore offers, KafkaAccess kafka,
                     SessionViews views, GatewaySettings settings) {
        this.adminPort = settings.adminPort();
        this.merchants = merchants;
        this.users = users;
        this.offers = offers;
        this.views = views;
        this.admin = Admin.create(kafka.config(Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000)));
    }

    @Get
    HttpResponse<Map<String, Object>> health(HttpRequest<?> request) {
        List<Health.Check> checks = new ArrayList<>();
        checks.add(kafka());
        boolean replicas = merchants.loaded() && users.loaded() && offers.loaded();
        checks.add(new Health.Check("replicas", replicas, replicas ? "caught up" : "loading"));
        // The session views: RUNNING once restored; which session partitions this instance answers for.
        checks.add(new Health.Check("views", views.ready(), views.state() + ", owns session partitions " + views.ownedPartitions()));
        checks.addAll(Health.evaluate());
        Map<String, Object> body = Health.body(checks);
        if (adminPort > 0 && request.getServerAddress().getPort() != adminPort) {
            // The public port (behind the proxy, reachable by anyone): up or not, never brokers, partitions or services.
            body = Map.of("ok", body.get("ok"));
        }
        return Boolean.TRUE.equals(body.get("ok")) ? HttpResponse.ok(body) : HttpResponse.<Map<String, Object>>status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    private Health.Check kafka() {
        long now = System.nanoTime();
        Health.Check cached = lastKafka;
        if (cached != null && now - lastKafkaAt < CACHE.toNanos()) {
            return cached;
        }
        Health.Check check;
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(2500, TimeUnit.MILLISECONDS).size();
            check = new Health.Check("kafka", nodes > 0, nodes + " broker(s)");
        } catch (Exception e) {
            check = new Health.Check("kafka", false, "cluster did not answer: " + e.getClass().getSimpleName());
        }
        lastKafka = check;
        lastKafkaAt = now;
        return check;
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
