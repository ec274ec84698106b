package dev.kassa.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.chaos.ChaosChecker.WebhookReceiver;
import dev.kassa.chaos.ChaosMerchant.Client;
import dev.kassa.chaos.ChaosMerchant.Lags;
import dev.kassa.localkafka.FreePorts;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
public final class ChaosCommand implements Callable<Integer> {

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
    public enum Fault {
        BROKER_KILL("broker kill -9"), BROKER_PAUSE("broker SIGSTOP"), AGGREGATE_KILL("aggregate kill -9"), RELAY_KILL("relay kill -9"),
        GATEWAY_KILL("gateway kill -9"), SLOW_RECEIVER("receiver 2 s slow");

        final String label;

        Fault(String label) {
            this.label = label;
        }
    }

    /** One fault's row: creates/s in the 5 s before, during its window, in the 5 s after; errors in the window; recovery. */
    public record FaultRow(Fault fault, String target, double atSecond, double before, double during, double after, long errors,
                    double secondsToRecover) {
    }

    /** What {@link #run} found. */
    public record Report(List<FaultRow> faults, long acknowledged, long failed, long lost, long doubled, String gap, long cancels, long payments,
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
            throw new ParameterException(spec.commandLine(), "--seconds must be from 60 to 300 and --rate from 1 to 200.");
        }
        PrintWriter out = spec.commandLine().getOut();
        Report report = run(spec.root().userObject().getClass(), dataDir != null ? dataDir : Files.createTempDirectory("kassa-chaos-"),
                seconds, rate, out);
        print(report, out);
        return report.held() ? 0 : 1;
    }

    public static void print(Report report, PrintWriter out) {
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

    /**
     * One chaos run in {@code dir}; {@code launcher} is the {@code kassa} command's main class (the gateways run as
     * {@code kassa gateway}).
     */
    public static Report run(Class<?> launcher, Path dir, int seconds, int rate, PrintWriter out) throws Exception {
        String[] brokerPorts = new String[3];
        String[] controllerPorts = new String[3];
        for (int i = 0; i < 3; i++) {
            brokerPorts[i] = String.valueOf(FreePorts.pick());
            controllerPorts[i] = String.valueOf(FreePorts.pick());
        }
        String clusterId = Uuid.randomUuid().toString();
        String[] nodeArgs = {clusterId, dir.toAbsolutePath().toString(), String.join(",", brokerPorts), String.join(",", controllerPorts)};
        String servers = "localhost:" + String.join(",localhost:", brokerPorts);
        String previousLogs = System.getProperty("kassa.test.logs");
        System.setProperty("kassa.test.logs", dir.resolve("logs").toAbsolutePath().toString());
        try (ChaosProcesses jvms = new ChaosProcesses(launcher, dir, nodeArgs, servers, new int[] {FreePorts.pick(), FreePorts.pick()});
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
                throw new ChaosRunFailed("the gateways did not answer /health within 3 minutes on the 3-node cluster; see " + dir.resolve("logs"));
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
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(250); // polling a process that is starting; nothing to await on
        }
        return false;
    }

    /** Per second of the run: offered creates, acknowledged ones, failed ones (from -WARM_UP to the end plus the checks). */
    static final class Counts {
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

    private static Report load(HttpClient http, ChaosProcesses jvms, WebhookReceiver receiver, int seconds, int rate, PrintWriter out)
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
        LongSupplier now = () -> System.nanoTime() - start;
        IntSupplier second = () -> {
            long t = now.getAsLong();
            return t < 0 ? -1 : (int) Math.min(counts.size - 1, t / 1_000_000_000L);
        };
        Client client = new Client(http, List.of(jvms.url(0), jvms.url(1)), key, answers);
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        // Follow-ups block (a payment is polled until paid): enough threads that they never queue behind each other.
        ExecutorService followUps = Executors.newFixedThreadPool(512);
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
                        followUps.submit(() -> !ChaosMerchant.visible(client, session, followUpsEnd, visibleAfter) ? null
                                : n % 2 == 0 ? ChaosMerchant.cancel(client, session, cancelAcknowledged, followUpsEnd)
                                : ChaosMerchant.payAndRefund(client, json, session, paidSeen, refundAcknowledged, followUpsEnd));
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
        Map<String, Long> answerCounts = new TreeMap<>();
        answers.forEach((k, v) -> answerCounts.put(k, v.get()));
        out.println("answers: " + answerCounts);
        out.println("a new session was found by the merchant's status reads (polled every 2 s) " + visibleAfter);
        out.flush();
        return ChaosChecker.check(jvms.servers, receiver, answered, cancelAcknowledged, paidSeen, refundAcknowledged, counts, measured, answerCounts, out);
    }

    private static void sleepUntil(long start, double second) throws InterruptedException {
        long wait = (long) (second * 1000) - (System.nanoTime() - start) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait); // the fault schedule: wall-clock points in the run, nothing to await on
        }
    }

    /** Injects one fault and, for the kills, starts the process again; answers what was hit. */
    private static String inject(Fault fault, ChaosProcesses jvms, WebhookReceiver receiver, double window, long start, double at,
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
}
