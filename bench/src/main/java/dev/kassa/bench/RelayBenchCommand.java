package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kassa bench relay}: webhook deliveries/s against a plain HTTP loop, and end-to-end latency at a steady rate. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Deliveries/s through the relay to a loopback receiver (and the ratio to a plain JDK HttpClient loop), "
                + "then end-to-end latency from command to webhook receipt at --rate commands/s.")
public final class RelayBenchCommand implements Callable<Integer> {

    @Option(names = "--webhooks", defaultValue = "50000", description = "Webhooks in the throughput phase (default: ${DEFAULT-VALUE}).")
    int webhooks;

    @Option(names = "--rate", defaultValue = "1000", description = "Provider callbacks/s in the latency phase (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Length of the latency phase (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--endpoints", defaultValue = "1", description = "Endpoints per merchant in the throughput phase (1-10; each gets every webhook; default: ${DEFAULT-VALUE}).")
    int endpoints;

    @Option(names = "--receiver", defaultValue = "nginx", description = "nginx (Debian's nginx-light, against wrk POSTing to it: "
            + "the default) or jdk (a JDK receiver, against a JDK HttpClient loop).")
    String receiver;

    @Option(names = "--held", defaultValue = "0", description = "Also measure a disabled endpoint's held backlog of this many "
            + "webhooks draining when it is turned back on (nginx; 0 = skip; default: ${DEFAULT-VALUE}).")
    int held;

    @Option(names = "--warm-up", defaultValue = "20000", description = "Webhooks a relay delivers (on its own broker) before the "
            + "throughput phase, so that the measured relay runs compiled code; 0: none (default: ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--in-service", defaultValue = "0", description = "Measure a relay in service: it first delivers this many "
            + "webhooks of another merchant, then the measured events arrive while it runs; 0: a fresh relay on the measured "
            + "events as a backlog (default: ${DEFAULT-VALUE}).")
    int inService;

    // 60 s, not 5: with the broker and every service in one JVM, C2 still took 40-60 % of a core after 20 s of the leg,
    // and the figure measured the compiler (p50 730 ms at 1,000/s after 20 s of warm-up, 135 ms after 60 s).
    @Option(names = "--latency-warm-up-seconds", defaultValue = "60", description = "Seconds of callbacks at --rate (on a broker "
            + "of their own, not counted) before the latency phase, so that the gateway and the aggregate run compiled code; "
            + "0: none (default: ${DEFAULT-VALUE}).")
    int latencyWarmUp;

    @Option(names = "--e2e-from", defaultValue = "callback", description = "Where the end-to-end leg starts: callback (a signed "
            + "provider callback over HTTP at the gateway) or command (the provider's report appended to the commands topic "
            + "by the bench, no gateway running) (default: ${DEFAULT-VALUE}).")
    String e2eFrom;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!e2eFrom.equals("callback") && !e2eFrom.equals("command")) {
            System.err.println("kassa bench relay: --e2e-from is callback or command, not " + e2eFrom + ".");
            return 2;
        }
        if (!receiver.equals("nginx") && !receiver.equals("jdk")) {
            System.err.println("kassa bench relay: --receiver is nginx or jdk, not " + receiver + ".");
            return 2;
        }
        if (webhooks < 1 || rate < 1 || latencySeconds < 1 || latencySeconds > 300 || endpoints < 1 || endpoints > 10
                || warmUp < 0 || inService < 0 || latencyWarmUp < 0 || latencyWarmUp > 300) {
            System.err.println("kassa bench: --webhooks and --rate must be at least 1, --latency-seconds from 1 to 300, "
                    + "--warm-up and --latency-warm-up-seconds at least 0 (the latter at most 300).");
            return 2;
        }
        // Each phase on a broker of its own: a fresh relay reads the events topic from the start, and the latency
        // phase must not begin by working off the throughput phase's events.
        if (warmUp > 0) {
            try (KafkaCluster kafka = LocalKafka.startTemporary()) {
                new RelayBenchmark(kafka).warmUp(warmUp, Duration.ofSeconds(120));
            }
        }
        RelayBenchmark.Throughput t;
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            if (receiver.equals("nginx")) {
                Wrk wrk;
                try {
                    wrk = Wrk.find();
                } catch (IllegalStateException e) {
                    System.err.println(e.getMessage().replace("kassa bench gateway", "kassa bench relay --receiver nginx"));
                    return 2;
                }
                t = new RelayBenchmark(kafka).throughputToNginx(webhooks, Duration.ofSeconds(120), endpoints, wrk, inService);
            } else {
                t = new RelayBenchmark(kafka).throughput(webhooks, Duration.ofSeconds(90), endpoints);
            }
        }
        RelayBenchmark.Held h = null;
        if (held > 0) {
            try (KafkaCluster kafka = LocalKafka.startTemporary()) {
                h = new RelayBenchmark(kafka).heldBacklog(held, Duration.ofSeconds(180));
            }
        }
        if (latencyWarmUp > 0) {
            try (KafkaCluster kafka = LocalKafka.startTemporary()) {
                new RelayBenchmark(kafka).latency(rate, Duration.ofSeconds(latencyWarmUp), e2eFrom.equals("callback"));
            }
        }
        RelayBenchmark.Latency l;
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            l = new RelayBenchmark(kafka).latency(rate, Duration.ofSeconds(latencySeconds), e2eFrom.equals("callback"));
        }
        {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("benchmark", "relay");
            figures.put("machine", Machine.current().toMap());
            figures.put("endpoints_per_merchant", endpoints);
            figures.put("warm_up_webhooks", warmUp);
            figures.put("in_service_webhooks", inService);
            figures.put("webhooks_delivered", t.webhooks());
            figures.put("relay_deliveries_per_s", Math.round(t.relayPerSecond()));
            figures.put("receiver", receiver);
            figures.put(receiver.equals("nginx") ? "wrk_to_nginx_posts_per_s" : "plain_httpclient_posts_per_s", Math.round(t.baselinePerSecond()));
            figures.put("ratio", Math.round(t.relayPerSecond() / t.baselinePerSecond() * 1000) / 1000.0);
            if (t.apacheLoopPerSecond() > 0) {
                figures.put("jdk_httpclient_loop_posts_per_s", Math.round(t.jdkLoopPerSecond()));
                figures.put("apache_httpclient5_loop_posts_per_s", Math.round(t.apacheLoopPerSecond()));
            }
            figures.put("e2e_warm_up_seconds", latencyWarmUp);
            figures.put("e2e_from", e2eFrom);
            figures.put("e2e_rate_per_s", rate);
            figures.put("e2e_sent", l.sent());
            figures.put("e2e_received", l.received());
            figures.put("e2e_p50_ms", l.p50Ms());
            figures.put("e2e_p99_ms", l.p99Ms());
            figures.put("e2e_max_ms", l.maxMs());
            figures.put("e2e_callback_answers", l.answers());
            if (h != null) {
                figures.put("held_webhooks", h.webhooks());
                figures.put("held_delivered", h.delivered());
                figures.put("held_first_after_enable_ms", h.firstAfterMs());
                figures.put("held_drain_per_s", Math.round(h.drainPerSecond()));
            }
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(figures));
            } else {
                System.out.printf("relay:        %,8d deliveries/s  (%,d webhooks)%n", Math.round(t.relayPerSecond()), t.webhooks());
                System.out.printf(receiver.equals("nginx") ? "ceiling:      %,8d POSTs/s       (wrk, 64 connections, to the same nginx)%n"
                        : "plain loop:   %,8d POSTs/s       (JDK HttpClient, 1,024 in flight, same receiver)%n", Math.round(t.baselinePerSecond()));
                System.out.printf("ratio:        %8.3f%n", t.relayPerSecond() / t.baselinePerSecond());
                if (t.apacheLoopPerSecond() > 0) {
                    System.out.printf("clients:      %,8d POSTs/s JDK HttpClient, %,d POSTs/s Apache HttpClient 5 async (bare loops, 64 in flight, same nginx)%n",
                            Math.round(t.jdkLoopPerSecond()), Math.round(t.apacheLoopPerSecond()));
                }
                if (h != null) {
                    System.out.printf("held backlog: %,d of %,d delivered after the endpoint was turned back on; first after %,d ms; %,d/s%n",
                            h.delivered(), h.webhooks(), h.firstAfterMs(), Math.round(h.drainPerSecond()));
                }
                System.out.printf("%s -> merchant webhook at %,d/s: %,d of %,d received; p50 %d ms, p99 %d ms, max %d ms%n",
                        e2eFrom.equals("callback") ? "provider callback (HTTP)" : "provider report (appended command)",
                        rate, l.received(), l.sent(), l.p50Ms(), l.p99Ms(), l.maxMs());
                System.out.println((e2eFrom.equals("callback") ? "callback answers (HTTP status or failure: count): "
                        : "appends (outcome: count): ") + l.answers());
            }
        }
        return 0;
    }
}
