package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway under wrk, in one JVM with the aggregate and an embedded broker (what {@code bench/gateway-wrk.sh} does
 * against {@code kassa dev}, here with the phases separated by the aggregate's catch-up and the heap measured).
 */
final class WrkGatewayBenchmark {

    private final Wrk wrk;
    private final Duration phase;
    private final List<Integer> connections;
    private final long commitIntervalMs;
    private final boolean json;
    private final long scaleTo;

    WrkGatewayBenchmark(Wrk wrk, Duration phase, List<Integer> connections, long commitIntervalMs, boolean json, long scaleTo) {
        this.scaleTo = scaleTo;
        this.wrk = wrk;
        this.phase = phase;
        this.connections = connections;
        this.commitIntervalMs = commitIntervalMs;
        this.json = json;
    }

    int run() throws Exception {
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            try (var admin = kafka.admin()) {
                new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) 1)).ensure();
            }
            AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("bench-wrk"));
            Path views = Files.createTempDirectory("bench-views");
            try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), d.applicationId(),
                    d.stateDir(), Duration.ofMillis(commitIntervalMs), 0, d.settings(), Map.of()));
                 GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "bench-admin", "http://localhost", true,
                         Map.of("kassa.gateway.rate-per-second", 1_000_000, "kassa.gateway.rate-burst", 1_000_000,
                                 "kassa.gateway.client-rate-per-second", 1_000_000, "kassa.gateway.client-rate-burst", 1_000_000,
                                 "kassa.gateway.views-state-dir", views.toString()))) {
                aggregate.awaitRunning(Duration.ofMinutes(2));
                HttpClient http = HttpClient.newHttpClient();
                var merchant = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/admin/merchants"))
                        .header("Authorization", "Bearer bench-admin").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"b@bench.example\",\"domains\":[\"bench.example\"],\"package\":\"pro\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                String key = merchant.get("api_key").asText();
                long merchantId = merchant.get("merchant_id").asLong();
                Path script = Files.createTempFile("kassa-create-", ".lua");
                // The same script as bench/gateway-wrk.sh's, from the jar.
                try (var in = WrkGatewayBenchmark.class.getResourceAsStream("/wrk/create.lua")) {
                    Files.write(script, in.readAllBytes());
                }
                Map<String, String> env = Map.of("KASSA_KEY", key, "KASSA_DOMAIN", "bench.example");
                String session = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/session.php"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"bench.example\",\"amount\":\"1.00\",\"currency\":\"EUR\",\"order_id\":\"S\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body()).get("session_id").asText();

                // Warm-up of each path, then let the aggregate fold what the warm-up's creates left.
                long created = 1;
                wrk.run(gateway.url() + "/health", 32, Duration.ofSeconds(5), null, Map.of());
                Wrk.Result warm = wrk.run(gateway.url(), 32, Duration.ofSeconds(5), script, env);
                created += warm.requests() - warm.non2xx();
                quiet(created);

                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("benchmark", "gateway-wrk");
                figures.put("machine", Machine.current().toMap());
                figures.put("commit_interval_ms", commitIntervalMs);
                List<String> lines = new ArrayList<>();
                Wrk.Result health = wrk.run(gateway.url() + "/health", 64, phase, null, Map.of());
                Wrk.Result status = wrk.run(gateway.url() + "/gateway/status.php?session_id=" + session, 64, phase, null, Map.of(),
                        "X-API-Key: " + key);
                Wrk.Result log = wrk.run(gateway.url() + "/gateway/session_events.php?session_id=" + session, 8, Duration.ofSeconds(5), null,
                        Map.of(), "X-API-Key: " + key);
                long sessionsAtStart = sessions();
                figures.put("session_events_8", view(log, health));
                figures.put("session_events_at_sessions", sessionsAtStart);
                lines.add(line("session_events.php at " + sessionsAtStart + " sessions", log, health));
                figures.put("health", view(health, health));
                figures.put("status_64", view(status, health));
                lines.add(line("/health, 64 connections (the ceiling)", health, health));
                lines.add(line("status reads, 64 connections", status, health));

                long sessionsBefore = sessions();
                long heapBefore = usedHeapAfterGc();
                for (int c : connections) {
                    Wrk.Result creates = wrk.run(gateway.url(), c, phase, script, env);
                    created += creates.requests() - creates.non2xx();
                    figures.put("creates_" + c, view(creates, health));
                    lines.add(line("creates, " + c + " connections", creates, health));
                    quiet(created);
                }
                long sessionsAfter = sessions();
                long heapAfter = usedHeapAfterGc();
                double perHundredK = sessionsAfter > sessionsBefore
                        ? (heapAfter - heapBefore) / 1048576.0 / (sessionsAfter - sessionsBefore) * 100_000 : Double.NaN;
                figures.put("heap_mb_per_100k_sessions", Math.round(perHundredK * 10) / 10.0);
                figures.put("sessions_measured", sessionsAfter - sessionsBefore);
                lines.add(String.format("heap growth: %.1f MB per 100,000 sessions (%,d sessions; gateway, aggregate and broker share the JVM)",
                        perHundredK, sessionsAfter - sessionsBefore));
                if (scaleTo > 0) {
                    // The scale phase: create (64 connections, 30 s at a time) until the views hold scaleTo sessions;
                    // heap growth from the first 100,000 on, and the merchant's log read again at the end.
                    long heapAt100k = -1;
                    long sessionsAt100k = 0;
                    while (sessions() < scaleTo) {
                        if (heapAt100k < 0 && sessions() >= 100_000) {
                            sessionsAt100k = sessions();
                            heapAt100k = usedHeapAfterGc();
                        }
                        Wrk.Result more = wrk.run(gateway.url(), 64, Duration.ofSeconds(30), script, env);
                        created += more.requests() - more.non2xx();
                        quiet(created);
                    }
                    long sessionsAtEnd = sessions();
                    long heapAtEnd = usedHeapAfterGc();
                    if (heapAt100k >= 0 && sessionsAtEnd > sessionsAt100k) {
                        double growth = (heapAtEnd - heapAt100k) / 1048576.0 / (sessionsAtEnd - sessionsAt100k) * 100_000;
                        figures.put("heap_mb_per_100k_sessions_from_100k", Math.round(growth * 10) / 10.0);
                        lines.add(String.format("heap growth from %,d to %,d sessions: %.1f MB per 100,000 (%.0f MB to %.0f MB used after GC)",
                                sessionsAt100k, sessionsAtEnd, growth, heapAt100k / 1048576.0, heapAtEnd / 1048576.0));
                    }
                    Wrk.Result logAtEnd = wrk.run(gateway.url() + "/gateway/session_events.php?session_id=" + session, 8, Duration.ofSeconds(5),
                            null, Map.of(), "X-API-Key: " + key);
                    Wrk.Result healthAtEnd = wrk.run(gateway.url() + "/health", 64, Duration.ofSeconds(5), null, Map.of());
                    Wrk.Result statusAtEnd = wrk.run(gateway.url() + "/gateway/status.php?session_id=" + session, 64, Duration.ofSeconds(5), null,
                            Map.of(), "X-API-Key: " + key);
                    // The dashboard's payments list for this merchant, which has every session: the first page, a
                    // status no session has (the bounded walk: 10 pages of the view), and the overview.
                    String cookie = "Cookie: kassa_dashboard=" + DashboardLogin.cookie(http, gateway.url(), "bench-admin", merchantId);
                    for (String[] page : new String[][] {{"payments", "/dashboard/payments"}, {"payments_status_filter", "/dashboard/payments?status=paid"},
                            {"payments_by_order", "/dashboard/payments?order_id=S"}, {"overview", "/dashboard"}}) {
                        wrk.run(gateway.url() + page[1], 8, Duration.ofSeconds(5), null, Map.of(), cookie); // warm-up: the JIT
                        Wrk.Result r = wrk.run(gateway.url() + page[1], 8, Duration.ofSeconds(10), null, Map.of(), cookie);
                        figures.put("dashboard_" + page[0], view(r, healthAtEnd));
                        lines.add(line("dashboard " + page[1] + " at " + sessionsAtEnd, r, healthAtEnd));
                    }
                    figures.put("session_events_8_at_end", view(logAtEnd, healthAtEnd));
                    figures.put("status_64_at_end", view(statusAtEnd, healthAtEnd));
                    figures.put("sessions_at_end", sessionsAtEnd);
                    lines.add(line("/health at " + sessionsAtEnd + " sessions", healthAtEnd, healthAtEnd));
                    lines.add(line("session_events.php at " + sessionsAtEnd + " sessions", logAtEnd, healthAtEnd));
                    lines.add(line("status reads at " + sessionsAtEnd + " sessions", statusAtEnd, healthAtEnd));
                }
                long sessionsNow = sessions();
                long viewBytes = directorySize(views);
                figures.put("views_disk_bytes_per_session", sessionsNow == 0 ? 0 : viewBytes / sessionsNow);
                lines.add(String.format("session views on disk: %,d bytes for %,d sessions (%,d per session; RocksDB files, before compaction)",
                        viewBytes, sessionsNow, sessionsNow == 0 ? 0 : viewBytes / sessionsNow));
                if (json) {
                    System.out.println(new ObjectMapper().writeValueAsString(figures));
                } else {
                    lines.forEach(System.out::println);
                }
                Files.deleteIfExists(script);
            }
        }
        return 0;
    }

    private static Map<String, Object> view(Wrk.Result r, Wrk.Result ceiling) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("requests_per_s", Math.round(r.requestsPerSecond()));
        v.put("ratio", Math.round(r.requestsPerSecond() / ceiling.requestsPerSecond() * 1000) / 1000.0);
        v.put("p50_ms", r.p50Ms());
        v.put("p99_ms", r.p99Ms());
        v.put("non_2xx", r.non2xx());
        return v;
    }

    private static String line(String what, Wrk.Result r, Wrk.Result ceiling) {
        return String.format("%-40s %,9.0f req/s  ratio %.3f  p50 %7.2f ms  p99 %7.2f ms  non-2xx %d", what, r.requestsPerSecond(),
                r.requestsPerSecond() / ceiling.requestsPerSecond(), r.p50Ms(), r.p99Ms(), r.non2xx());
    }

    /** Sessions in the gateway's views (the sum of its sessions-by-status gauge). */
    private static long sessions() {
        return Math.round(KassaMetrics.registry().find("kassa.sessions").gauges().stream().mapToDouble(Gauge::value).sum());
    }

    /** Waits (at most 5 minutes) until the views hold every session created so far: the aggregate has folded them. */
    private static void quiet(long created) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (sessions() < created && System.nanoTime() < deadline) {
            Thread.sleep(200); // sampling a gauge the views' thread moves
        }
    }

    private static long directorySize(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
