package dev.kassa.chaos;

import com.sun.net.httpserver.HttpServer;
import dev.kassa.chaos.ChaosCommand.Counts;
import dev.kassa.chaos.ChaosCommand.FaultRow;
import dev.kassa.chaos.ChaosCommand.Report;
import dev.kassa.log.EventLogReplay;
import dev.kassa.model.WebhookTypes;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@code kassa chaos} run is judged by: the webhook receiver of its merchant (each event id counted, each
 * signature checked) and the checker that compares what was acknowledged with the log, the state and the receiver.
 */
final class ChaosChecker {

    private ChaosChecker() {
    }

    static Report check(String servers, WebhookReceiver receiver, Map<Long, String> answered, Map<Long, Boolean> cancels,
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
        Set<String> committed = ConcurrentHashMap.newKeySet();
        Set<String> announced = ConcurrentHashMap.newKeySet();
        EventLogReplay.readToEnd(access, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                    if (e == null) {
                        return;
                    }
                    committed.add(e.getEventId());
                    if (WebhookTypes.of(e) != null) {
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
    static final class WebhookReceiver implements AutoCloseable {
        final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
        final AtomicLong badSignatures = new AtomicLong();
        volatile String secret;
        volatile long delayMs;
        private final HttpServer server;

        WebhookReceiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String signature = exchange.getRequestHeaders().getFirst("X-Signature");
                if (secret == null || signature == null || !WebhookSigner.verifyXSignature(body, secret, signature)) {
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
