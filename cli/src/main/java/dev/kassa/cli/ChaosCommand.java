package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.FreePorts;
import dev.kassa.localkafka.KafkaNodeMain;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
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
 * {@code kassa chaos}: a 3-node Kafka cluster, each node its own process, and every Kassa service in a JVM of its own
 * (aggregate, relay, two gateways sharing the load as behind a proxy), under an open-loop load of creates, each followed by a cancel or by a payment (the
 * sandbox provider's callbacks sent three times) and a partial refund; on a schedule it injects one fault of each kind:
 * kill -9 of the broker leading {@code kassa.session-commands-0} (started again half a window later), SIGSTOP of the
 * broker leading {@code kassa.session-events-0} for up to 20 s (then SIGCONT), kill -9 of the aggregate, of the relay
 * and of one gateway (each started again at once on its own state), and a webhook receiver that answers 2 s late.
 * Then a checker reads the log, the state and what the receiver saw: no acknowledged create, cancel, payment or refund
 * lost; no session created or paid twice, no refund counted twice; every sequence gapless; every event in the log
 * delivered as a webhook, none for an event the log does not hold, each signed; copies counted. Prints a row per fault:
 * creates/s before, during and after, errors, and seconds until creates were answered again.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Inject broker, process and receiver faults under load and check that nothing acknowledged was lost or doubled.")
final class ChaosCommand implements Callable<Integer> {

    /** Seconds of load before the measured run. */
    static final int WARM_UP_SECONDS = 15;
    /**
     * How long after the load's end the merchant's follow-ups (cancel, pay, refund) may still retry. On a slow machine
     * the services' backlog from the faults drains late (a CI run saw new sessions invisible to status reads for over a
     * minute), and a follow-up that gave up after a fixed minute counted nothing; the deadline is now the run's.
     */
    static final int FOLLOW_UP_DRAIN_SECONDS = 60;
    static final String ADMIN = "chaos-admin-token-7f3a9c2e4b1d8e6f5a0c";
    /** The secret the chaos run's gateways share (their view reads of each other are derived from it). */
    static final String GATEWAY_SECRET = "chaos-gateway-secret-2b9e6d1f0a8c4e7b3d5f";

    @Option(names = "--seconds", defaultValue = "180", description = "Length of the measured load, 60 to 300 (default: ${DEFAULT-VALUE}; "
            + "with the warm-up and the checks the whole run stays under 5 minutes).")
    int seconds;

    @Option(names = "--rate", defaultValue = "5", description = "Creates a second, open loop (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--data-dir", description = "Where the nodes' data and logs go (default: a new temporary directory).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** The faults, in the order they are injected. */
    enum Fault {
        BROKER_KILL("broker kill -9"), BROKER_PAUSE("broker SIGSTOP"), AGGREGATE_KILL("aggregate kill -9"), RELAY_KILL("relay kill -9"),
        GATEWAY_KILL("gateway kill -9"), SLOW_RECEIVER("receiver 2 s slow");

        final String label;

        Fault(String label) {
            this.label = label;
        }
    }

    /** One fault's row: creates/s in the 5 s before, during its window, in the 5 s after; errors in the window; recovery. */
    record FaultRow(Fault fault, String target, double atSecond, double before, double during, double after, long errors,
                    double secondsToRecover) {
    }

    /** What {@link #run} found. */
    record Report(List<FaultRow> faults, long acknowledged, long failed, long lost, long doubled, String gap, long cancels, long payments,
                  long refunds, long paidTwice, long refundsWrong, long webhooksExpected, long webhooksUndelivered, long webhooksPhantom,
                  long webhookCopies, long webhooksBadlySigned, Map<String, Long> answers) {
        boolean held() {
            return lost == 0 && doubled == 0 && gap == null && paidTwice == 0 && refundsWrong == 0 && webhooksUndelivered == 0
                    && webhooksPhantom == 0 && webhooksBadlySigned == 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 60 || seconds > 300 || rate < 1 || rate > 200) {
            throw new UserError("--seconds must be from 60 to 300 and --rate from 1 to 200.");
        }
        PrintWriter out = spec.commandLine().getOut();
        Report report = run(dataDir != null ? dataDir : Files.createTempDirectory("kassa-chaos-"), seconds, rate, out);
        print(report, out);
        return report.held() ? 0 : 1;
    }

    static void print(Report report, PrintWriter out) {
        out.printf("%n%-20s %-12s %8s %11s %11s %10s %7s %11s%n", "fault", "target", "at (s)", "before/s", "during/s", "after/s",
                "errors", "recovered");
        for (FaultRow row : report.faults()) {
            out.printf("%-20s %-12s %8.1f %11.1f %11.1f %10.1f %7d %11s%n", row.fault().label, row.target(), row.atSecond(), row.before(),
                    row.during(), row.after(), row.errors(), Double.isNaN(row.secondsToRecover()) ? "never" : String.format("%.0f s", row.secondsToRecover()));
        }
        out.printf("answers: %s%n", report.answers());
        out.printf("%,d creates acknowledged (%,d not answered or refused), %,d cancels, %,d payments, %,d refunds acknowledged%n",
                report.acknowledged(), report.failed(), report.cancels(), report.payments(), report.refunds());
        out.printf("checker: %d acknowledged lost, %d sessions created twice, %d paid twice, %d refunds counted wrong, %s%n", report.lost(),
                report.doubled(), report.paidTwice(), report.refundsWrong(),
                report.gap() == null ? "every session's sequence gapless" : "a gap: " + report.gap());
        out.printf("webhooks: %,d events in the log that announce something, %d not delivered, %d for events not in the log, %d badly signed, %,d copies%n",
                report.webhooksExpected(), report.webhooksUndelivered(), report.webhooksPhantom(), report.webhooksBadlySigned(),
                report.webhookCopies());
        out.println(report.held() ? "HELD" : "BROKEN");
        out.flush();
    }

    /** The JVMs of a run, each startable again on its own state (a restart after kill -9). */
    private static final class Processes implements AutoCloseable {
        final Process[] brokers = new Process[3];
        final String[] nodeArgs;
        final String servers;
        final Path dir;
        final int[] gatewayPorts;
        final Process[] gateways = new Process[2];
        Process aggregate;
        Process relay;

        Processes(Path dir, String[] nodeArgs, String servers, int[] gatewayPorts) {
            this.dir = dir;
            this.nodeArgs = nodeArgs;
            this.servers = servers;
            this.gatewayPorts = gatewayPorts;
        }

        void startBroker(int node) throws java.io.IOException {
            String[] args = new String[nodeArgs.length + 1];
            args[0] = String.valueOf(node);
            System.arraycopy(nodeArgs, 0, args, 1, nodeArgs.length);
            brokers[node - 1] = ChildJvm.start("kafka-node-" + node, KafkaNodeMain.class, args);
        }

        void startAggregate() throws java.io.IOException {
            aggregate = ChildJvm.start("aggregate", dev.kassa.aggregate.app.AggregateMain.class, servers,
                    dir.resolve("aggregate").toString(), "chaos-aggregate");
        }

        void startRelay() throws java.io.IOException {
            relay = ChildJvm.start("relay", dev.kassa.relay.app.RelayMain.class, servers, dir.resolve("relay").toString(), "chaos-relay",
                    "allow-loopback", String.join(",", java.util.Collections.nCopies(40, "2s")));
        }

        /** Gateway {@code i} of two (a merchant's requests go to either, as behind a proxy); they share the session views. */
        void startGateway(int i) throws java.io.IOException {
            gateways[i] = ChildJvm.start("gateway-" + i, Kassa.class, Map.of("KASSA_ADMIN_TOKEN", ADMIN, "KASSA_GATEWAY_SECRET", GATEWAY_SECRET), "gateway", "--bootstrap", servers,
                    "--port", String.valueOf(gatewayPorts[i]), "--public-url", url(i), "--development",
                    "--views-state-dir", dir.resolve("gateway-views-" + i).toString());
        }

        String url(int i) {
            return "http://localhost:" + gatewayPorts[i];
        }

        @Override
        public void close() {
            for (Process p : new Process[] {gateways[0], gateways[1], relay, aggregate, brokers[0], brokers[1], brokers[2]}) {
                if (p != null) {
                    p.destroyForcibly();
                }
            }
        }
    }

    static Report run(Path dir, int seconds, int rate, PrintWriter out) throws Exception {
        String[] brokerPorts = new String[3];
        String[] controllerPorts = new String[3];
        for (int i = 0; i < 3; i++) {
            brokerPorts[i] = String.valueOf(FreePorts.pick());
            controllerPorts[i] = String.valueOf(FreePorts.pick());
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        String[] nodeArgs = {clusterId, dir.toAbsolutePath().toString(), String.join(",", brokerPorts), String.join(",", controllerPorts)};
        String servers = "localhost:" + String.join(",localhost:", brokerPorts);
        String previousLogs = System.getProperty("kassa.test.logs");
        System.setProperty("kassa.test.logs", dir.resolve("logs").toAbsolutePath().toString());
        try (Processes jvms = new Processes(dir, nodeArgs, servers, new int[] {FreePorts.pick(), FreePorts.pick()});
             WebhookReceiver receiver = new WebhookReceiver()) {
            for (int node = 1; node <= 3; node++) {
                jvms.startBroker(node);
            }
            out.println("kassa chaos: 3 Kafka nodes at " + servers + ", aggregate, relay and two gateways each in its own JVM; data in " + dir
                    + ", logs in " + dir.resolve("logs"));
            out.flush();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline) {
                    try {
                        if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 3) {
                            break;
                        }
                    } catch (Exception notYet) {
                        // the nodes are still starting
                    }
                    Thread.sleep(250); // polling the cluster's readiness; nothing to await on
                }
                new TopicProvisioner(admin, new TopicLayout(6, (short) 3)).ensure();
            }
            jvms.startAggregate();
            jvms.startRelay();
            jvms.startGateway(0);
            jvms.startGateway(1);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            if (!healthy(http, jvms.url(0), Duration.ofMinutes(3)) || !healthy(http, jvms.url(1), Duration.ofMinutes(3))) {
                throw new UserError("the gateways did not answer /health within 3 minutes on the 3-node cluster; see " + dir.resolve("logs"));
            }
            return load(http, jvms, receiver, seconds, rate, out);
        } finally {
            if (previousLogs == null) {
                System.clearProperty("kassa.test.logs");
            } else {
                System.setProperty("kassa.test.logs", previousLogs);
            }
        }
    }

    private static boolean healthy(HttpClient http, String url, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            Thread.sleep(250); // polling a process that is starting; nothing to await on
        }
        return false;
    }

    /** Per second of the run: offered creates, acknowledged ones, failed ones (from -WARM_UP to the end plus the checks). */
    private static final class Counts {
        final int size;
        final AtomicLongArray offered;
        final AtomicLongArray acknowledged;
        final AtomicLongArray failed;

        Counts(int seconds) {
            size = seconds + 180;
            offered = new AtomicLongArray(size);
            acknowledged = new AtomicLongArray(size);
            failed = new AtomicLongArray(size);
        }

        double rate(double from, double to) {
            long sum = 0;
            int a = (int) Math.max(0, Math.floor(from));
            int b = (int) Math.min(size, Math.floor(to));
            for (int s = a; s < b; s++) {
                sum += acknowledged.get(s);
            }
            return b > a ? (double) sum / (b - a) : 0;
        }

        long errors(double from, double to) {
            long sum = 0;
            for (int s = (int) Math.max(0, from); s < Math.min(size, to); s++) {
                sum += failed.get(s);
            }
            return sum;
        }

        /** Seconds from {@code at} until a second in which at least half the offered creates were acknowledged. */
        double recovered(double at, double until) {
            // From the first whole second after the fault: the second it hit still holds answers from before it.
            for (int s = (int) at + 1; s < Math.min(size, until + 60); s++) {
                if (offered.get(s) > 0 && acknowledged.get(s) * 2 >= offered.get(s)) {
                    return s + 1 - at;
                }
            }
            return Double.NaN;
        }
    }

    private static Report load(HttpClient http, Processes jvms, WebhookReceiver receiver, int seconds, int rate, PrintWriter out)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode merchant = json.readTree(http.send(HttpRequest.newBuilder(URI.create(jvms.url(0) + "/admin/merchants"))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"c@chaos.example\",\"domains\":[\"chaos.example\"],\"package\":\"pro\","
                        + "\"webhook_url\":\"" + receiver.url() + "\",\"rate_limit_per_second\":10000}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        String key = merchant.get("api_key").asText();
        receiver.secret = merchant.get("webhook_secret").asText();
        Counts counts = new Counts(seconds);
        Map<Long, String> answered = new ConcurrentHashMap<>();
        Map<Long, Boolean> cancelAcknowledged = new ConcurrentHashMap<>();
        Map<Long, Boolean> paidSeen = new ConcurrentHashMap<>();
        Map<Long, Boolean> refundAcknowledged = new ConcurrentHashMap<>();
        Map<String, AtomicLong> answers = new ConcurrentHashMap<>();
        AtomicLong counter = new AtomicLong();
        // A warm-up of the same load first (JIT, connections, the first transactions): not counted. Its sessions are checked.
        long start = System.nanoTime() + TimeUnit.SECONDS.toNanos(WARM_UP_SECONDS);
        java.util.function.LongSupplier now = () -> System.nanoTime() - start;
        java.util.function.IntSupplier second = () -> {
            long t = now.getAsLong();
            return t < 0 ? -1 : (int) Math.min(counts.size - 1, t / 1_000_000_000L);
        };
        Client client = new Client(http, List.of(jvms.url(0), jvms.url(1)), key, answers);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        // Follow-ups block (a payment is polled until paid): enough threads that they never queue behind each other.
        java.util.concurrent.ExecutorService followUps = Executors.newFixedThreadPool(512);
        long followUpsEnd = start + TimeUnit.SECONDS.toNanos(seconds + FOLLOW_UP_DRAIN_SECONDS);
        Lags visibleAfter = new Lags();
        ticks.scheduleAtFixedRate(() -> {
            int s = second.getAsInt();
            if (s >= seconds) {
                return;
            }
            if (s >= 0) {
                counts.offered.incrementAndGet(s);
            }
            long n = counter.incrementAndGet();
            String order = "CHAOS-" + n;
            client.async("create", "/gateway/session.php", "{\"domain\":\"chaos.example\",\"amount\":\"10.00\",\"currency\":\"EUR\","
                    + "\"order_id\":\"" + order + "\"}", null).whenComplete((response, error) -> {
                        int at = second.getAsInt();
                        if (error != null || response.statusCode() != 200) {
                            counts.failed.incrementAndGet(Math.max(0, at));
                            return;
                        }
                        long session;
                        try {
                            session = json.readTree(response.body()).get("session_id").asLong();
                        } catch (Exception e) {
                            counts.failed.incrementAndGet(Math.max(0, at));
                            return;
                        }
                        answered.put(session, order);
                        if (at >= 0) {
                            counts.acknowledged.incrementAndGet(at);
                        }
                        // Once the merchant sees the session, every other one is cancelled; the rest are paid (callbacks
                        // three times) and refunded in part.
                        followUps.submit(() -> !visible(client, session, followUpsEnd, visibleAfter) ? null
                                : n % 2 == 0 ? cancel(client, session, cancelAcknowledged, followUpsEnd)
                                : payAndRefund(client, json, session, paidSeen, refundAcknowledged, followUpsEnd));
                    });
        }, 0, 1_000_000L / rate, TimeUnit.MICROSECONDS);

        // The schedule: one fault of each kind, evenly spaced; each gets a window of the run.
        Fault[] faults = Fault.values();
        double window = (double) seconds / (faults.length + 1);
        List<FaultRow> rows = new ArrayList<>();
        for (int i = 0; i < faults.length; i++) {
            double at = window * (i + 0.6);
            sleepUntil(start, at);
            double injectedAt = now.getAsLong() / 1e9;
            String target = inject(faults[i], jvms, receiver, window, start, at, out);
            rows.add(new FaultRow(faults[i], target, injectedAt, 0, 0, 0, 0, 0));
        }
        sleepUntil(start, seconds);
        ticks.shutdownNow();
        followUps.shutdown();
        // Each follow-up ends by its deadline plus one request's bound (35 s); what is still running then is stopped.
        followUps.awaitTermination(FOLLOW_UP_DRAIN_SECONDS + 40, TimeUnit.SECONDS);
        followUps.shutdownNow();

        List<FaultRow> measured = new ArrayList<>();
        for (FaultRow row : rows) {
            double at = row.atSecond();
            measured.add(new FaultRow(row.fault(), row.target(), at, counts.rate(at - 5, at), counts.rate(at, at + window * 0.8),
                    counts.rate(at + window * 0.8, at + window * 0.8 + 5), counts.errors(at, at + window), counts.recovered(at, at + window)));
        }
        Map<String, Long> answerCounts = new java.util.TreeMap<>();
        answers.forEach((k, v) -> answerCounts.put(k, v.get()));
        out.println("answers: " + answerCounts);
        out.println("a new session was found by the merchant's status reads (polled every 2 s) " + visibleAfter);
        out.flush();
        return check(jvms.servers, receiver, answered, cancelAcknowledged, paidSeen, refundAcknowledged, counts, measured, answerCounts, out);
    }

    private static void sleepUntil(long start, double second) throws InterruptedException {
        long wait = (long) (second * 1000) - (System.nanoTime() - start) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait); // the fault schedule: wall-clock points in the run, nothing to await on
        }
    }

    /** Injects one fault and, for the kills, starts the process again; answers what was hit. */
    private static String inject(Fault fault, Processes jvms, WebhookReceiver receiver, double window, long start, double at,
                                 PrintWriter out) throws Exception {
        String target;
        switch (fault) {
            case BROKER_KILL -> {
                int node = leader(jvms.servers, Topics.SESSION_COMMANDS.name());
                jvms.brokers[node - 1].destroyForcibly().waitFor();
                target = "node " + node;
                say(out, start, "kill -9 of Kafka node " + node + " (leader of " + Topics.SESSION_COMMANDS.name() + "-0)");
                sleepUntil(start, at + window / 2);
                jvms.startBroker(node);
                say(out, start, "Kafka node " + node + " started again");
            }
            case BROKER_PAUSE -> {
                int node = leader(jvms.servers, Topics.SESSION_EVENTS.name());
                long pause = (long) Math.min(20, window * 0.8); // 20 s in a full run (Jepsen's Bufstream pause)
                signal("STOP", jvms.brokers[node - 1]);
                target = "node " + node;
                say(out, start, "SIGSTOP of Kafka node " + node + " (leader of " + Topics.SESSION_EVENTS.name() + "-0) for " + pause + " s");
                sleepUntil(start, at + pause);
                signal("CONT", jvms.brokers[node - 1]);
                say(out, start, "SIGCONT of Kafka node " + node);
            }
            case AGGREGATE_KILL -> {
                jvms.aggregate.destroyForcibly().waitFor();
                say(out, start, "kill -9 of the aggregate");
                jvms.startAggregate();
                target = "aggregate";
                say(out, start, "the aggregate started again on its state");
            }
            case RELAY_KILL -> {
                jvms.relay.destroyForcibly().waitFor();
                say(out, start, "kill -9 of the relay");
                jvms.startRelay();
                target = "relay";
                say(out, start, "the relay started again on its state");
            }
            case GATEWAY_KILL -> {
                jvms.gateways[0].destroyForcibly().waitFor();
                say(out, start, "kill -9 of gateway 0 (of two)");
                jvms.startGateway(0);
                target = "gateway 0";
                say(out, start, "gateway 0 started again");
            }
            default -> {
                receiver.delayMs = 2000;
                say(out, start, "the webhook receiver answers 2 s late for " + (long) (window * 0.6) + " s");
                sleepUntil(start, at + window * 0.6);
                receiver.delayMs = 0;
                target = "receiver";
                say(out, start, "the webhook receiver answers at once again");
            }
        }
        return target;
    }

    private static void say(PrintWriter out, long start, String what) {
        out.printf("t=%.1f s: %s%n", (System.nanoTime() - start) / 1e9, what);
        out.flush();
    }

    private static void signal(String signal, Process process) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    private static int leader(String servers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            return d.partitions().get(0).leader().id();
        }
    }

    /**
     * The merchant's HTTP calls, counted by answer, spread over the two gateways as a proxy would, and sent to the other
     * one when a gateway does not take the connection (refused: nothing was sent, so no create can be made twice).
     */
    private record Client(HttpClient http, List<String> gateways, String key, Map<String, AtomicLong> answers, AtomicLong turn) {

        Client(HttpClient http, List<String> gateways, String key, Map<String, AtomicLong> answers) {
            this(http, gateways, key, answers, new AtomicLong());
        }

        java.util.concurrent.CompletableFuture<HttpResponse<String>> async(String what, String path, String body, String idempotencyKey) {
            int first = (int) (turn.getAndIncrement() % gateways.size());
            return attempt(what, path, body, idempotencyKey, first).handle((r, e) -> {
                if (e != null && refused(e)) {
                    return attempt(what, path, body, idempotencyKey, (first + 1) % gateways.size());
                }
                return e != null ? java.util.concurrent.CompletableFuture.<HttpResponse<String>>failedFuture(e)
                        : java.util.concurrent.CompletableFuture.completedFuture(r);
            }).thenCompose(f -> f).whenComplete((r, e) ->
                    answers.computeIfAbsent(what + " " + (e != null ? e.getClass().getSimpleName() : r.statusCode()
                            + (r.statusCode() < 300 ? "" : " " + r.body().replaceAll("(?s).*\"error\":\"([a-z_]+)\".*", "$1"))),
                            k -> new AtomicLong()).incrementAndGet());
        }

        private java.util.concurrent.CompletableFuture<HttpResponse<String>> attempt(String what, String path, String body, String idempotencyKey,
                                                                                     int gateway) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateways.get(gateway) + path)).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + key);
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            request = body == null ? request.GET() : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private static boolean refused(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.ConnectException) {
                    return true;
                }
            }
            return false;
        }

        HttpResponse<String> send(String what, String path, String body, String idempotencyKey) {
            try {
                return async(what, path, body, idempotencyKey).get(35, TimeUnit.SECONDS);
            } catch (Exception e) {
                return null;
            }
        }
    }

    /** How long after its create the merchant's status read first found a session, over a run; and how many never. */
    private static final class Lags {
        private final java.util.concurrent.ConcurrentLinkedQueue<Long> millis = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final AtomicLong never = new AtomicLong();

        @Override
        public String toString() {
            List<Long> sorted = millis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return "never (" + never.get() + " sessions)";
            }
            return String.format("after p50 %.1f s, p99 %.1f s, max %.1f s; %d never within the run", sorted.get(sorted.size() / 2) / 1e3,
                    sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e3, sorted.get(sorted.size() - 1) / 1e3,
                    never.get());
        }
    }

    /** Whether the merchant's status read finds the session before {@code until} (the buyer's checkout page reads it the same way). */
    private static boolean visible(Client client, long session, long until, Lags lags) throws InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> status = client.send("status", "/gateway/status.php?session_id=" + session, null, null);
            if (status != null && status.statusCode() == 200) {
                lags.millis.add((System.nanoTime() - from) / 1_000_000);
                return true;
            }
            // Polling as a merchant would. Not faster: every poll is a read the gateways answer or forward, and on two
            // cores hundreds of pollers a second took CPU from the services they waited for.
            Thread.sleep(2000);
        }
        lags.never.incrementAndGet();
        return false;
    }

    /** A cancel, retried as a merchant would while the gateway is away or has not seen the session yet (404, 503). */
    private static Void cancel(Client client, long session, Map<Long, Boolean> acknowledged, long until) throws InterruptedException {
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("cancel", "/gateway/cancel.php", "{\"session_id\":" + session + "}", null);
            if (r != null && r.statusCode() == 200) {
                acknowledged.put(session, true);
                return null;
            }
            if (r != null && r.statusCode() == 409) {
                return null; // expired before the cancel got through: nothing to acknowledge
            }
            Thread.sleep(2000); // the merchant's retry
        }
        return null;
    }

    /**
     * The sandbox provider reports the payment three times (a duplicate-callback storm); once the merchant sees it paid,
     * a refund of 4.00 with an Idempotency-Key, retried with the same key until answered. Each step retries until
     * {@code until}.
     */
    private static Void payAndRefund(Client client, ObjectMapper json, long session, Map<Long, Boolean> paid, Map<Long, Boolean> refunded,
                                     long until) throws Exception {
        boolean reported = false;
        while (!reported && System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("pay", "/sandbox/sessions/" + session + "/pay", "{\"outcome\":\"paid\",\"duplicates\":2}", null);
            reported = r != null && (r.statusCode() == 202 || r.statusCode() == 409);
            if (!reported) {
                Thread.sleep(2000); // a dead gateway, or a session it has not seen yet: try again, as a buyer would
            }
        }
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> status = client.send("status", "/gateway/status.php?session_id=" + session, null, null);
            if (status != null && status.statusCode() == 200 && "paid".equals(json.readTree(status.body()).at("/session/status").asText())) {
                paid.put(session, true);
                break;
            }
            Thread.sleep(1000); // polling as a merchant without webhooks would
        }
        if (!paid.containsKey(session)) {
            return null;
        }
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("refund", "/gateway/refund.php", "{\"session_id\":" + session + ",\"amount\":\"4.00\"}",
                    "chaos-refund-" + session);
            if (r != null && r.statusCode() == 200) {
                refunded.put(session, true);
                break;
            }
            Thread.sleep(2000); // the same refund again, with its key
        }
        return null;
    }

    private static Report check(String servers, WebhookReceiver receiver, Map<Long, String> answered, Map<Long, Boolean> cancels,
                                Map<Long, Boolean> paid, Map<Long, Boolean> refunds, Counts counts, List<FaultRow> rows,
                                Map<String, Long> answers, PrintWriter out) throws Exception {
        KafkaAccess access = KafkaAccess.of(servers);
        long lost = Long.MAX_VALUE;
        long refundsWrong = Long.MAX_VALUE;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            Map<Long, SessionState> seen = EventLogReplay.readStateTopic(access);
            lost = answered.entrySet().stream().filter(e -> seen.get(e.getKey()) == null || !seen.get(e.getKey()).getOrderId().equals(e.getValue())).count()
                    + cancels.keySet().stream().filter(id -> seen.get(id) == null || seen.get(id).getStatus() != SessionStatus.CANCELLED).count()
                    + paid.keySet().stream().filter(id -> seen.get(id) == null
                            || (seen.get(id).getStatus() != SessionStatus.PAID && seen.get(id).getStatus() != SessionStatus.REFUNDED)).count();
            refundsWrong = refunds.keySet().stream().filter(id -> seen.get(id) == null || seen.get(id).getRefundedMinor() != 400).count();
            if (lost == 0 && refundsWrong == 0) {
                break;
            }
            Thread.sleep(1000); // the aggregate may still be folding the last commands
        }
        Map<Long, Integer> creates = new HashMap<>();
        Map<Long, Integer> paidTransitions = new HashMap<>();
        java.util.Set<String> committed = ConcurrentHashMap.newKeySet();
        java.util.Set<String> announced = ConcurrentHashMap.newKeySet();
        EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                    if (e == null) {
                        return;
                    }
                    committed.add(e.getEventId());
                    if (dev.kassa.model.WebhookTypes.of(e) != null) {
                        announced.add(e.getEventId()); // a refund's reservation, or a repeated status, sends no webhook
                    }
                    if (e.getSequence() == 1) {
                        creates.merge(e.getSessionId(), 1, Integer::sum);
                    }
                    if (e.getStatus() == SessionStatus.PAID && e.getPreviousStatus() != SessionStatus.PAID) {
                        paidTransitions.merge(e.getSessionId(), 1, Integer::sum);
                    }
                });
        String gap = null;
        try {
            EventLogReplay.foldEventsTopic(access);
        } catch (IllegalStateException e) {
            gap = e.getMessage();
        }
        long doubled = creates.values().stream().filter(n -> n > 1).count();
        long paidTwice = paidTransitions.values().stream().filter(n -> n > 1).count();
        // Every event in the log that announces something delivered, none for an event the log does not hold.
        long webhookDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        while (System.nanoTime() < webhookDeadline && !receiver.received.keySet().containsAll(announced)) {
            Thread.sleep(1000); // the relay is still working off its queues
        }
        long undelivered = announced.stream().filter(id -> !receiver.received.containsKey(id)).count();
        // A webhook is a phantom if its event is not in the log even after things settled: events committed while the
        // checker waited (a late payment report, a refund still being retried) are read again, for up to 30 s; an aborted
        // transaction's event never shows up.
        long phantom = Long.MAX_VALUE;
        long phantomDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                    Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                        if (e != null) {
                            committed.add(e.getEventId());
                        }
                    });
            phantom = receiver.received.keySet().stream().filter(id -> !committed.contains(id)).count();
            if (phantom == 0 || System.nanoTime() > phantomDeadline) {
                break;
            }
            Thread.sleep(2000); // the last commands may still be committing
        }
        if (phantom > 0) {
            out.println("webhooks for events not in the log: " + receiver.received.keySet().stream().filter(id -> !committed.contains(id))
                    .sorted().limit(20).toList());
            out.flush();
        }
        long copies = receiver.received.values().stream().mapToLong(n -> n.get() - 1).sum();
        long failed = 0;
        for (int s = 0; s < counts.size; s++) {
            failed += counts.failed.get(s);
        }
        return new Report(rows, answered.size(), failed, lost, doubled, gap, cancels.size(), paid.size(), refunds.size(), paidTwice,
                refundsWrong, announced.size(), undelivered, phantom, copies, receiver.badSignatures.get(), answers);
    }

    /** The merchant's endpoint: counts each event id it receives, checks each signature; answers late when told to. */
    private static final class WebhookReceiver implements AutoCloseable {
        final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
        final AtomicLong badSignatures = new AtomicLong();
        volatile String secret;
        volatile long delayMs;
        private final com.sun.net.httpserver.HttpServer server;

        WebhookReceiver() throws java.io.IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(16));
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
                long delay = delayMs;
                if (delay > 0) {
                    try {
                        Thread.sleep(delay); // the slow receiver is the fault: a network-slow merchant endpoint
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
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
}
