package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateMain;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.log.EventLogReplay;
import dev.kassa.model.SessionFold;
import dev.kassa.model.WebhookPayload;
import dev.kassa.model.WebhookTypes;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionEvent;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kassa.payment-events} read as a downstream team would: kcat ({@code isolation.level=read_committed}) and
 * Debian's python3-avro with the kept schema file alone ({@code scripts/payment-events.py}), nothing of Kassa's code.
 * Over a real broker and the aggregate in its own process: a payment, a partial and a full refund, a cancel; then a
 * burst of creates with the aggregate killed by SIGKILL in the middle (its open transaction is aborted when it starts
 * again). The topic holds exactly one record per event of the log that announces something, in the session's order,
 * with the webhook's type and exact body, and nothing from the aborted transaction.
 */
@ExtendWith(KafkaExtension.class)
class PaymentEventsTopicTest {

    private static final String ADMIN = "payment-events-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCHEMA = Path.of("../schemas/src/main/resources/avro-history/dev.kassa.schemas.avro.PaymentEvent/v1.avsc");
    private static final Path DECODER = Path.of("../scripts/payment-events.py");

    @TempDir
    Path dir;

    /**
     * This test's merchant: the broker is shared with the module's other tests, whose aggregates (other application ids)
     * replayed their own commands onto the same topics; only this merchant's events are this test's.
     */
    private long merchantId;

    @Test
    void downstream_reads_exactly_the_announced_events_with_stock_tools_even_across_a_killed_aggregate(KafkaCluster kafka) throws Exception {
        toolsOrSkip();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String bootstrap = kafka.bootstrapServers();
        String appId = "payment-events-agg-" + System.nanoTime();
        Process aggregate = ChildJvm.start("payment-events-aggregate", AggregateMain.class, bootstrap, dir.resolve("agg").toString(), appId);
        try (GatewayServer gateway = GatewayServer.start(bootstrap, 0, ADMIN, "http://localhost:8080", true)) {
            String g = gateway.url();
            JsonNode merchant = JSON.readTree(send(g, "POST", "/admin/merchants", "Bearer " + ADMIN,
                    "{\"email\":\"d@downstream.example\",\"domains\":[\"downstream.example\"],\"package\":\"pro\"}", null, 201));
            String key = merchant.get("api_key").asText();
            merchantId = merchant.get("merchant_id").asLong();
            long paid = create(g, key, "DOWN-PAID");
            await().atMost(Duration.ofSeconds(90)).until(() -> send(g, "POST", "/sandbox/sessions/" + paid + "/pay", null,
                    "{\"outcome\":\"paid\"}", null, -1).equals("202"));
            await().atMost(Duration.ofSeconds(60)).until(() -> status(g, key, paid).equals("paid"));
            send(g, "POST", "/gateway/refund.php", "Bearer " + key, "{\"session_id\":" + paid + ",\"amount\":\"3.00\"}", "dn-1", 200);
            send(g, "POST", "/gateway/refund.php", "Bearer " + key, "{\"session_id\":" + paid + "}", "dn-2", 200);
            long cancelled = create(g, key, "DOWN-CANCEL");
            await().atMost(Duration.ofSeconds(60)).until(() -> send(g, "POST", "/gateway/cancel.php", "Bearer " + key,
                    "{\"session_id\":" + cancelled + "}", null, -1).equals("200"));

            // A burst of creates, and the aggregate killed in the middle of it: an open transaction is left behind.
            for (int i = 0; i < 40; i++) {
                create(g, key, "DOWN-BURST-" + i);
                if (i == 20) {
                    aggregate.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    aggregate = ChildJvm.start("payment-events-aggregate-2", AggregateMain.class, bootstrap, dir.resolve("agg").toString(), appId);
                }
            }
            long last = create(g, key, "DOWN-LAST");
            await().atMost(Duration.ofSeconds(120)).until(() -> status(g, key, last).equals("created"));
            await().atMost(Duration.ofSeconds(60)).until(() -> status(g, key, paid).equals("refunded"));
        } finally {
            aggregate.destroyForcibly();
        }

        // What the log holds (read_committed), and each announced event's body.
        List<SessionEvent> log = new ArrayList<>();
        EventLogReplay.readToEnd(KafkaAccess.of(bootstrap), Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (k, e) -> {
                    if (e != null && e.getMerchantId() == merchantId) {
                        log.add(e);
                    }
                });
        Map<String, String> expected = new LinkedHashMap<>();
        SessionFold.LogFold fold = new SessionFold.LogFold();
        for (SessionEvent event : log) {
            if (fold.accept(event) instanceof SessionFold.Folded folded && WebhookTypes.of(event) != null) {
                expected.put(event.getEventId(), new String(WebhookPayload.body(event, folded.after()), StandardCharsets.UTF_8));
            }
        }

        List<JsonNode> published = readWithStockTools(bootstrap).stream().filter(r -> r.get("merchant_id").asLong() == merchantId).toList();
        Map<String, String> seen = new LinkedHashMap<>();
        for (JsonNode record : published) {
            assertThat(seen.put(record.get("event_id").asText(), record.get("webhook_body").asText())).as("a second record of %s", record).isNull();
            assertThat(JSON.readTree(record.get("webhook_body").asText()).get("type").asText()).isEqualTo(record.get("type").asText());
        }
        System.out.printf("payment events: %d in the log announce something, %d records read with kcat + python3-avro%n",
                expected.size(), seen.size());
        assertThat(seen.keySet()).as("exactly the announced events of the log, none of an aborted transaction")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(seen).as("the webhook's exact body").isEqualTo(expected);
        List<String> paidTypes = published.stream().filter(r -> r.at("/order_id").asText().equals("DOWN-PAID"))
                .map(r -> r.get("type").asText()).toList();
        assertThat(paidTypes).containsExactly("checkout.session.created", "checkout.session.pending", "checkout.session.paid",
                "refund.succeeded", "refund.succeeded");
        JsonNode full = published.stream().filter(r -> r.at("/order_id").asText().equals("DOWN-PAID")).reduce((a, b) -> b).orElseThrow();
        assertThat(full.get("status").asText()).isEqualTo("refunded");
        assertThat(full.get("refunded_minor").asLong()).isEqualTo(1250);
        assertThat(full.at("/refund/amount_minor").asLong()).isEqualTo(950);
        assertThat(published.stream().filter(r -> r.at("/order_id").asText().equals("DOWN-CANCEL")).map(r -> r.get("type").asText()))
                .containsExactly("checkout.session.created", "checkout.session.cancelled");
    }

    /** kcat as a read_committed consumer, piped into the decoder that knows only the kept schema file. */
    private static List<JsonNode> readWithStockTools(String bootstrap) throws Exception {
        Process kcat = new ProcessBuilder("kcat", "-C", "-b", bootstrap, "-t", Topics.PAYMENT_EVENTS.name(), "-X", "isolation.level=read_committed",
                "-e", "-q", "-f", "%R%s").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process decoder = new ProcessBuilder(PYTHON, DECODER.toString(), SCHEMA.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var from = kcat.getInputStream(); var to = decoder.getOutputStream()) {
            from.transferTo(to);
        }
        String out = new String(decoder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(decoder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kcat.exitValue()).isZero();
        assertThat(decoder.exitValue()).as(out).isZero();
        List<JsonNode> records = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    private static void toolsOrSkip() throws Exception {
        String missing = !new File("/usr/bin/kcat").canExecute() ? "kcat is not installed"
                : new ProcessBuilder(PYTHON, "-c", "import avro").start().waitFor() != 0 ? "Debian's python3-avro is not installed" : null;
        if (missing != null) {
            String reason = "SKIPPED PaymentEventsTopicTest: " + missing + " (./kassa test installs kcat and python3-avro from Debian's "
                    + "packages when it runs as root with apt-get)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
    }

    private static String status(String g, String key, long session) throws Exception {
        String body = send(g, "GET", "/gateway/status.php?session_id=" + session, "Bearer " + key, null, null, -2);
        JsonNode node = JSON.readTree(body);
        return node.at("/session/status").asText("");
    }

    private static long create(String g, String key, String order) throws Exception {
        return JSON.readTree(send(g, "POST", "/gateway/session.php", "Bearer " + key,
                "{\"domain\":\"downstream.example\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"order_id\":\"" + order + "\"}", null, 200))
                .get("session_id").asLong();
    }

    /**
     * Sends a request. {@code expected} &gt; 0: asserts that status and answers the body; -1: answers the status code;
     * -2: answers the body whatever the status.
     */
    private static String send(String base, String method, String path, String authorization, String body, String idempotencyKey,
                               int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected == -1) {
            return Integer.toString(response.statusCode());
        }
        if (expected > 0) {
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        }
        return response.body();
    }
}
