package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.FreePorts;
import dev.kassa.localkafka.KafkaNodeMain;
import dev.kassa.log.EventLogReplay;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kassa chaos}: a 3-node Kafka cluster, each node its own process, with the aggregate and a gateway, under an
 * open-loop load of creates; at a third of the run the node leading {@code kassa.session-commands} partition 0 is
 * killed with SIGKILL, at two thirds it is started again. Then a checker reads the event log and the state: every
 * create that was answered 200 is a session as answered, none is doubled, every session's sequence is gapless. Prints
 * the load held before, during and after the fault, and how long creates took to be answered again.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Kill -9 a Kafka broker of three under load and check that nothing acknowledged was lost or doubled.")
final class ChaosCommand implements Callable<Integer> {

    /** Seconds of load before the measured run. */
    static final int WARM_UP_SECONDS = 15;

    @Option(names = "--seconds", defaultValue = "90", description = "Length of the load, 30 to 300 (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rate", defaultValue = "40", description = "Creates a second, open loop (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--data-dir", description = "Where the nodes' data and logs go (default: a new temporary directory).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** What the load saw in one second of the run. */
    private record Second(long offered, long acknowledged, long failed) {
    }

    /** What {@link #run} found. */
    record Report(long acknowledged, long failed, long lost, long doubled, String gap, double beforePerSecond, double duringPerSecond,
                  double afterPerSecond, double secondsToRecover, int killedNode, long cancels, long cancelsFailed,
                  double cancelsBefore, double cancelsDuring, double cancelsAfter, double secondsToRecoverRoundTrip,
                  long webhooksUndelivered, long webhooksPhantom, long webhookCopies, long webhooksBadlySigned) {
        boolean held() {
            return lost == 0 && doubled == 0 && gap == null && webhooksUndelivered == 0 && webhooksPhantom == 0 && webhooksBadlySigned == 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 30 || seconds > 300 || rate < 1 || rate > 2000) {
            throw new UserError("--seconds must be from 30 to 300 and --rate from 1 to 2000.");
        }
        PrintWriter out = spec.commandLine().getOut();
        Report report = run(dataDir != null ? dataDir : Files.createTempDirectory("kassa-chaos-"), seconds, rate, out);
        out.printf("%n%-26s %10s %22s%n", "phase", "creates/s", "cancels/s (round trip)");
        out.printf("%-26s %10.1f %22.1f%n", "before the fault", report.beforePerSecond(), report.cancelsBefore());
        out.printf("%-26s %10.1f %22.1f%n", "broker " + report.killedNode() + " killed (-9)", report.duringPerSecond(), report.cancelsDuring());
        out.printf("%-26s %10.1f %22.1f%n", "broker restarted", report.afterPerSecond(), report.cancelsAfter());
        out.printf("creates answered again %.1f s after the kill, cancels (the aggregate's round trip) %.1f s after it%n",
                report.secondsToRecover(), report.secondsToRecoverRoundTrip());
        out.printf("%,d creates acknowledged, %,d not answered or refused; %,d cancels acknowledged, %,d not%n",
                report.acknowledged(), report.failed(), report.cancels(), report.cancelsFailed());
        out.printf("checker: %d acknowledged creates lost, %d doubled, %s%n", report.lost(), report.doubled(),
                report.gap() == null ? "every session's sequence gapless" : "a gap: " + report.gap());
        out.printf("webhooks: %d not delivered, %d for events not in the log, %d badly signed, %d copies%n", report.webhooksUndelivered(),
                report.webhooksPhantom(), report.webhooksBadlySigned(), report.webhookCopies());
        out.println(report.held() ? "HELD" : "BROKEN");
        out.flush();
        return report.held() ? 0 : 1;
    }

    static Report run(Path dir, int seconds, int rate, PrintWriter out) throws Exception {
        int nodes = 3;
        String[] brokerPorts = new String[nodes];
        String[] controllerPorts = new String[nodes];
        for (int i = 0; i < nodes; i++) {
            brokerPorts[i] = String.valueOf(FreePorts.pick());
            controllerPorts[i] = String.valueOf(FreePorts.pick());
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        String[] nodeArgs = {clusterId, dir.toAbsolutePath().toString(), String.join(",", brokerPorts), String.join(",", controllerPorts)};
        String previousLogs = System.getProperty("kassa.test.logs");
        System.setProperty("kassa.test.logs", dir.resolve("logs").toAbsolutePath().toString());
        Process[] brokers = new Process[nodes];
        try {
            for (int i = 0; i < nodes; i++) {
                brokers[i] = startNode(i + 1, nodeArgs);
            }
            StringBuilder bootstrap = new StringBuilder();
            for (int i = 0; i < nodes; i++) {
                bootstrap.append(i == 0 ? "" : ",").append("localhost:").append(brokerPorts[i]);
            }
            String servers = bootstrap.toString();
            out.println("kassa chaos: 3 Kafka nodes (own processes) at " + servers + ", data in " + dir + ", their logs in " + dir.resolve("logs"));
            out.flush();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline) {
                    try {
                        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == nodes) {
                            break;
                        }
                    } catch (Exception notYet) {
                        // the nodes are still starting
                    }
                    Thread.sleep(250); // polling the cluster's readiness; nothing to await on
                }
                new TopicProvisioner(admin, new TopicLayout(6, (short) 3)).ensure();
            }
            AggregateService.Config d = AggregateService.Config.defaults(servers, dir.resolve("aggregate"));
            RelayService.Config r = RelayService.Config.defaults(servers, dir.resolve("relay"), true);
            try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), "chaos-aggregate",
                    d.stateDir(), d.commitInterval(), 0, d.settings(), Map.of()));
                 RelayService relay = RelayService.start(new RelayService.Config(r.kafka(), "chaos-relay", r.stateDir(), true,
                         Duration.ofSeconds(5), r.settings().withSchedule(new dev.kassa.model.RetrySchedule(
                                 java.util.Collections.nCopies(30, Duration.ofSeconds(2)))), Map.of()));
                 WebhookReceiver receiver = new WebhookReceiver();
                 GatewayServer gateway = GatewayServer.start(servers, 0, "chaos-admin-token", "http://localhost", true,
                         Map.of("kassa.gateway.rate-per-second", 1_000_000, "kassa.gateway.rate-burst", 1_000_000))) {
                if (!aggregate.awaitRunning(Duration.ofMinutes(2))) {
                    throw new UserError("the aggregate did not start within 2 minutes on the 3-node cluster.");
                }
                if (!relay.awaitRunning(Duration.ofMinutes(2))) {
                    throw new UserError("the relay did not start within 2 minutes on the 3-node cluster.");
                }
                return load(servers, gateway.url(), receiver, brokers, nodeArgs, seconds, rate, out);
            }
        } finally {
            for (Process broker : brokers) {
                if (broker != null) {
                    broker.destroyForcibly();
                }
            }
            if (previousLogs == null) {
                System.clearProperty("kassa.test.logs");
            } else {
                System.setProperty("kassa.test.logs", previousLogs);
            }
        }
    }

    private static Process startNode(int node, String[] nodeArgs) throws java.io.IOException {
        String[] args = new String[nodeArgs.length + 1];
        args[0] = String.valueOf(node);
        System.arraycopy(nodeArgs, 0, args, 1, nodeArgs.length);
        return ChildJvm.start("kafka-node-" + node, KafkaNodeMain.class, args);
    }

    private static Report load(String servers, String gateway, WebhookReceiver receiver, Process[] brokers, String[] nodeArgs,
                               int seconds, int rate, PrintWriter out) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode merchant = json.readTree(http.send(HttpRequest.newBuilder(URI.create(gateway + "/admin/merchants"))
                .header("Authorization", "Bearer chaos-admin-token").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"c@chaos.example\",\"domains\":[\"chaos.example\"],\"package\":\"pro\","
                        + "\"webhook_url\":\"" + receiver.url() + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String key = merchant.get("api_key").asText();
        receiver.secret = merchant.get("webhook_secret").asText();
        AtomicLongArray offered = new AtomicLongArray(seconds + 120);
        AtomicLongArray acknowledged = new AtomicLongArray(seconds + 120);
        AtomicLongArray failed = new AtomicLongArray(seconds + 120);
        Map<Long, String> answered = new ConcurrentHashMap<>();
        // Every created session is then cancelled: a command that waits for the aggregate's exactly-once answer.
        AtomicLongArray cancelled = new AtomicLongArray(seconds + 120);
        AtomicLongArray cancelFailed = new AtomicLongArray(seconds + 120);
        Map<Long, Boolean> cancelAcknowledged = new ConcurrentHashMap<>();
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicLong counter = new AtomicLong();
        // A warm-up of the same load first (JIT, connections, the aggregate's first transactions on four JVMs sharing the
        // cores): not counted, so "before the fault" measures a warm system. Its sessions are checked like the others.
        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        int killAt = seconds / 3;
        int restartAt = 2 * seconds / 3;
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        long periodMicros = 1_000_000L / rate;
        ticks.scheduleAtFixedRate(() -> {
            long sinceStart = System.nanoTime() - start;
            int second = (int) (sinceStart / 1_000_000_000L);
            if (second >= seconds) {
                return;
            }
            if (sinceStart >= 0) {
                offered.incrementAndGet(second);
            }
            String order = "CHAOS-" + counter.incrementAndGet();
            HttpRequest create = HttpRequest.newBuilder(URI.create(gateway + "/gateway/session.php")).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"chaos.example\",\"amount\":\"10.00\",\"currency\":\"EUR\","
                            + "\"order_id\":\"" + order + "\"}")).build();
            http.sendAsync(create, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                long sinceStartAt = System.nanoTime() - start;
                int at = sinceStartAt < 0 ? -1 : (int) Math.min(seconds + 119, sinceStartAt / 1_000_000_000L);
                answers.computeIfAbsent("create " + (error != null ? error.getClass().getSimpleName() : response.statusCode()
                        + (response.statusCode() == 200 ? "" : " " + response.body().replaceAll(".*\"error\":\"([a-z_]+)\".*", "$1"))),
                        k -> new AtomicLong()).incrementAndGet();
                if (error == null && response.statusCode() == 200) {
                    try {
                        JsonNode body = json.readTree(response.body());
                        long session = body.get("session_id").asLong();
                        answered.put(session, order);
                        if (at >= 0) {
                            acknowledged.incrementAndGet(at);
                        }
                        HttpRequest cancel = HttpRequest.newBuilder(URI.create(gateway + "/gateway/cancel.php")).timeout(Duration.ofSeconds(15))
                                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"session_id\":" + session + "}")).build();
                        http.sendAsync(cancel, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
                            long sinceStartWhen = System.nanoTime() - start;
                            int when = sinceStartWhen < 0 ? -1 : (int) Math.min(seconds + 119, sinceStartWhen / 1_000_000_000L);
                            answers.computeIfAbsent("cancel " + (e != null ? e.getClass().getSimpleName() : r.statusCode()
                                    + (r.statusCode() == 200 ? "" : " " + r.body().replaceAll(".*\"error\":\"([a-z_]+)\".*", "$1"))),
                                    k -> new AtomicLong()).incrementAndGet();
                            if (e == null && r.statusCode() == 200) {
                                if (when >= 0) {
                                    cancelled.incrementAndGet(when);
                                }
                                cancelAcknowledged.put(session, true);
                            } else {
                                cancelFailed.incrementAndGet(Math.max(0, when));
                            }
                        });
                    } catch (Exception e) {
                        failed.incrementAndGet(Math.max(0, at));
                    }
                } else {
                    failed.incrementAndGet(Math.max(0, at));
                }
            });
        }, 0, periodMicros, TimeUnit.MICROSECONDS);

        int killed = -1;
        double killedAtSecond = 0;
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(killAt) - (System.nanoTime() - start) / 1_000_000));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            TopicDescription commands = admin.describeTopics(List.of(Topics.SESSION_COMMANDS.name())).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.SESSION_COMMANDS.name());
            killed = commands.partitions().get(0).leader().id();
        }
        brokers[killed - 1].destroyForcibly();
        killedAtSecond = (System.nanoTime() - start) / 1e9;
        out.printf("t=%.1f s: kill -9 of node %d (leader of %s-0)%n", killedAtSecond, killed, Topics.SESSION_COMMANDS.name());
        out.flush();
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(restartAt) - (System.nanoTime() - start) / 1_000_000));
        String[] args = nodeArgs.clone();
        brokers[killed - 1] = startNode(killed, args);
        out.printf("t=%.1f s: node %d started again%n", (System.nanoTime() - start) / 1e9, killed);
        out.flush();
        Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(seconds) - (System.nanoTime() - start) / 1_000_000));
        ticks.shutdownNow();
        Thread.sleep(16_000); // the last requests' 15 s timeout

        out.println("answers: " + new java.util.TreeMap<>(answers));
        out.flush();
        // The checker: every answered create is a session with its order, none doubled, sequences gapless.
        KafkaAccess access = KafkaAccess.of(servers);
        long lost = Long.MAX_VALUE;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Map<Long, SessionState> states = Map.of();
        while (System.nanoTime() < deadline) {
            states = EventLogReplay.readStateTopic(access);
            Map<Long, SessionState> seen = states;
            lost = answered.entrySet().stream().filter(e -> seen.get(e.getKey()) == null
                    || !seen.get(e.getKey()).getOrderId().equals(e.getValue())).count()
                    + cancelAcknowledged.keySet().stream().filter(id -> seen.get(id) == null
                    || seen.get(id).getStatus() != dev.kassa.schemas.avro.SessionStatus.CANCELLED).count();
            if (lost == 0) {
                break;
            }
            Thread.sleep(1000); // the aggregate may still be folding the last creates
        }
        Map<Long, Integer> creates = new HashMap<>();
        String gap = null;
        try {
            EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                    Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null && e.getSequence() == 1) {
                            creates.merge(e.getSessionId(), 1, Integer::sum);
                        }
                    });
            EventLogReplay.foldEventsTopic(access);
        } catch (IllegalStateException e) {
            gap = e.getMessage();
        }
        long doubled = creates.values().stream().filter(n -> n > 1).count();

        // Webhooks: every acknowledged create's and cancel's event delivered, signed; none for an event the log does not
        // hold (an aborted transaction's); copies (at least once) counted.
        java.util.Set<String> committed = ConcurrentHashMap.newKeySet();
        EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                    if (e != null) {
                        committed.add(e.getEventId());
                    }
                });
        List<String> expected = new ArrayList<>();
        answered.keySet().forEach(id -> expected.add("evt_" + id + "_1"));
        cancelAcknowledged.keySet().forEach(id -> expected.add("evt_" + id + "_2"));
        long webhookDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < webhookDeadline && !receiver.received.keySet().containsAll(expected)) {
            Thread.sleep(1000); // the relay is still working off its queues
        }
        long undelivered = expected.stream().filter(id -> !receiver.received.containsKey(id)).count();
        long phantom = receiver.received.keySet().stream().filter(id -> !committed.contains(id)).count();
        long copies = receiver.received.values().stream().mapToLong(n -> n.get() - 1).sum();
        out.printf("webhooks: %,d expected, %,d not delivered, %,d for events the log does not hold, %,d copies (same event_id), "
                + "%,d badly signed%n", expected.size(), undelivered, phantom, copies, receiver.badSignatures.get());
        out.flush();

        List<Second> timeline = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            timeline.add(new Second(offered.get(s), acknowledged.get(s), failed.get(s)));
        }
        int killSecond = (int) killedAtSecond;
        double recover = Double.NaN;
        for (int s = killSecond + 1; s < seconds; s++) {
            if (timeline.get(s).acknowledged() >= timeline.get(s).offered() / 2 && timeline.get(s).offered() > 0) {
                recover = s - killedAtSecond;
                break;
            }
        }
        long totalFailed = 0;
        for (int s = 0; s < seconds + 120; s++) {
            totalFailed += failed.get(s);
        }
        List<Second> rounds = new ArrayList<>();
        long cancelsFailed = 0;
        for (int s = 0; s < seconds + 120; s++) {
            if (s < seconds) {
                rounds.add(new Second(acknowledged.get(s), cancelled.get(s), cancelFailed.get(s)));
            }
            cancelsFailed += cancelFailed.get(s);
        }
        double recoverRoundTrip = Double.NaN;
        for (int s = killSecond + 1; s < seconds; s++) {
            if (rounds.get(s).acknowledged() >= rounds.get(s).offered() / 2 && rounds.get(s).offered() > 0) {
                recoverRoundTrip = s - killedAtSecond;
                break;
            }
        }
        return new Report(answered.size(), totalFailed, lost, doubled, gap, rate(timeline, 2, killSecond),
                rate(timeline, killSecond, restartAt), rate(timeline, restartAt, seconds), recover, killed,
                cancelAcknowledged.size(), cancelsFailed, rate(rounds, 2, killSecond), rate(rounds, killSecond, restartAt),
                rate(rounds, restartAt, seconds), recoverRoundTrip, undelivered, phantom, copies, receiver.badSignatures.get());
    }

    /** The merchant's endpoint: counts each event id it receives, checks each signature with the merchant's secret. */
    private static final class WebhookReceiver implements AutoCloseable {
        final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
        final AtomicLong badSignatures = new AtomicLong();
        volatile String secret;
        private final com.sun.net.httpserver.HttpServer server;

        WebhookReceiver() throws java.io.IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String signature = exchange.getRequestHeaders().getFirst("X-Signature");
                if (secret == null || signature == null || !dev.kassa.relay.signing.WebhookSigner.verifyXSignature(body, secret, signature)) {
                    badSignatures.incrementAndGet();
                }
                String eventId = exchange.getRequestHeaders().getFirst("webhook-id");
                if (eventId != null) {
                    received.computeIfAbsent(eventId, k -> new AtomicLong()).incrementAndGet();
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static double rate(List<Second> timeline, int from, int to) {
        long sum = 0;
        for (int s = from; s < to; s++) {
            sum += timeline.get(s).acknowledged();
        }
        return to > from ? (double) sum / (to - from) : 0;
    }
}
