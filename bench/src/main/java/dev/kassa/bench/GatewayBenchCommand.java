package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kassa bench gateway}: the gateway, the aggregate and an embedded broker in one JVM, under Debian's {@code wrk}
 * (the default): {@code /health} of the same server as the ceiling, status reads, creates at several connection
 * counts, each as a ratio to the ceiling; between phases the aggregate is let fold what the creates left, so every
 * phase starts from a quiet server; last, the JVM's heap growth per 100,000 sessions. With {@code --load-generator jdk}
 * the older in-process measurement: a closed loop finds the sustainable create rate, then an open loop runs at 50, 80
 * and 100 % of it (its figures are bounded by the JDK client: docs/BENCHMARKS.md).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = "The gateway under wrk: /health (the ceiling), status reads, "
        + "creates at several connection counts, heap per 100k sessions; or, with --load-generator jdk, the in-process open loop.")
public final class GatewayBenchCommand implements Callable<Integer> {

    @Option(names = "--load-generator", defaultValue = "wrk", description = "wrk (default) or jdk.")
    String loadGenerator;

    @Option(names = "--connections", split = ",", defaultValue = "32,64,512", description = "wrk connection counts for creates (default: ${DEFAULT-VALUE}).")
    List<Integer> connections;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of each phase (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--sessions", defaultValue = "0", description = "After the phases, create until the views hold this many sessions "
            + "(e.g. 1000000): heap growth from 100,000 on, and the merchant's log and status read again at the end (default: skip).")
    long scaleTo;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of the summary.")
    boolean json;

    @Option(names = "--commit-interval-ms", defaultValue = "100", description = "The aggregate's exactly-once commit interval (default: ${DEFAULT-VALUE}).")
    long commitIntervalMs;

    private static final String BODY = "{\"domain\":\"bench.example\",\"amount\":\"79.00\",\"currency\":\"EUR\",\"order_id\":\"B-1\","
            + "\"customer_email\":\"buyer@example.com\"}";

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 120) {
            System.err.println("kassa bench: --seconds must be from 1 to 120.");
            return 2;
        }
        if (loadGenerator.equals("wrk")) {
            Wrk wrk;
            try {
                wrk = Wrk.find();
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            return new WrkGatewayBenchmark(wrk, Duration.ofSeconds(seconds), connections, commitIntervalMs, json, scaleTo).run();
        }
        if (!loadGenerator.equals("jdk")) {
            System.err.println("kassa bench gateway: --load-generator is wrk or jdk, not " + loadGenerator + ".");
            return 2;
        }
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            try (var admin = kafka.admin()) {
                new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) 1)).ensure();
            }
            AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("bench-gw"));
            try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), d.applicationId(),
                    d.stateDir(), Duration.ofMillis(commitIntervalMs), 0, d.settings(), Map.of()));
                 GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "bench-admin", "http://localhost", true,
                         Map.of("kassa.gateway.rate-per-second", 1_000_000, "kassa.gateway.rate-burst", 1_000_000))) {
                aggregate.awaitRunning(Duration.ofMinutes(2));
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpResponse<String> merchant = http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/admin/merchants"))
                        .header("Authorization", "Bearer bench-admin").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"b@bench.example\",\"domains\":[\"bench.example\"],\"package\":\"pro\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                String key = new ObjectMapper().readTree(merchant.body()).get("api_key").asText();
                HttpRequest create = HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/session.php"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();

                closedLoop(http, create, Duration.ofSeconds(Math.max(2, seconds / 2)), 64); // warm-up
                double sustainable = closedLoop(http, create, Duration.ofSeconds(seconds), 64).rate;
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("benchmark", "gateway");
                figures.put("machine", Machine.current().toMap());
                figures.put("commit_interval_ms", commitIntervalMs);
                figures.put("closed_loop_creates_per_s", Math.round(sustainable));
                List<String> lines = new ArrayList<>();
                for (int percent : new int[] {50, 80, 100}) {
                    double rate = sustainable * percent / 100.0;
                    Phase p = openLoop(http, create, rate, Duration.ofSeconds(seconds));
                    figures.put("open_loop_" + percent + "pct", Map.of("offered_per_s", Math.round(rate), "achieved_per_s", Math.round(p.rate),
                            "p50_ms", p.p50, "p99_ms", p.p99, "errors", p.errors));
                    lines.add(String.format("creates at %3d%% (%,6d/s offered): %,6d/s done, p50 %4d ms, p99 %5d ms, %d errors",
                            percent, Math.round(rate), Math.round(p.rate), p.p50, p.p99, p.errors));
                }
                String id = new ObjectMapper().readTree(http.send(create, HttpResponse.BodyHandlers.ofString()).body()).get("session_id").asText();
                HttpRequest status = HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/status.php?session_id=" + id))
                        .header("X-API-Key", key).build();
                Phase reads = closedLoop(http, status, Duration.ofSeconds(seconds), 64);
                figures.put("status_reads_per_s", Math.round(reads.rate));
                figures.put("status_p99_ms", reads.p99);
                if (json) {
                    System.out.println(new ObjectMapper().writeValueAsString(figures));
                } else {
                    System.out.printf("commit.interval.ms %d; creates, closed loop (64 in flight): %,d/s%n", commitIntervalMs, Math.round(sustainable));
                    lines.forEach(System.out::println);
                    System.out.printf("status reads, closed loop (64 in flight): %,d/s, p99 %d ms%n", Math.round(reads.rate), reads.p99);
                }
            }
        }
        return 0;
    }

    private record Phase(double rate, long p50, long p99, long errors) {
    }

    private static Phase closedLoop(HttpClient http, HttpRequest request, Duration length, int inFlight) throws InterruptedException {
        Semaphore slots = new Semaphore(inFlight);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        long started = System.nanoTime();
        while (System.nanoTime() < end) {
            slots.acquire();
            long t = System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                } else {
                    latencies.add((System.nanoTime() - t) / 1_000_000);
                }
                slots.release();
            });
        }
        slots.acquire(inFlight);
        return summary(latencies, errors.get(), (System.nanoTime() - started) / 1e9);
    }

    private static Phase openLoop(HttpClient http, HttpRequest request, double rate, Duration length) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long total = Math.max(1, Math.round(rate * length.toSeconds()));
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long intended = start + (long) (i * 1e9 / rate);
            while (System.nanoTime() < intended) {
                Thread.onSpinWait();
            }
            all.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                } else {
                    latencies.add((System.nanoTime() - intended) / 1_000_000);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return summary(latencies, errors.get(), (System.nanoTime() - start) / 1e9);
    }

    private static Phase summary(List<Long> latencies, long errors, double seconds) {
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        long p50 = sorted.isEmpty() ? -1 : sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
        long p99 = sorted.isEmpty() ? -1 : sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
        return new Phase(sorted.size() / seconds, p50, p99, errors);
    }
}
