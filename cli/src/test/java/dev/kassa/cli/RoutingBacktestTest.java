package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.RoutingInputs;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kassa routing backtest} over 10,000 recorded decisions on a real broker, whose figures are counted by hand:
 * of every ten sessions six were routed to wert by a card hint (half of them paid), two to paypal (one paid), one
 * had no hint (the buyer chose on the page) and one is a fallback to moonpay. Under "wert off, card prefers transak"
 * every card first choice moves to transak and nothing else moves.
 */
@ExtendWith(KafkaExtension.class)
class RoutingBacktestTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SESSIONS = 10_000;

    @TempDir
    Path dir;

    @Test
    void ten_thousand_recorded_decisions_replayed_against_new_rules_match_a_hand_count(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long merchant = ThreadLocalRandom.current().nextLong(1, 1L << 40);
        long base = merchant * 100_000;
        Instant at = Instant.parse("2026-12-01T12:00:00Z");
        try (KafkaProducer<Long, RoutingDecision> decisions = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Serdes.Long().serializer(), Topics.ROUTING_DECISIONS.valueSerde().serializer());
             KafkaProducer<Long, SessionState> states = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                     Serdes.Long().serializer(), Topics.SESSION_STATE.valueSerde().serializer())) {
            for (int i = 0; i < SESSIONS; i++) {
                long session = base + i;
                int kind = i % 10;
                String hint = kind <= 5 || kind == 9 ? "card" : kind <= 7 ? "paypal" : null;
                String chosen = kind <= 5 ? "wert" : kind <= 7 ? "paypal" : kind == 9 ? "moonpay" : null;
                String reason = kind == 9 ? "fallback after provider_error from wert: next candidate moonpay" : "first eligible provider";
                decisions.send(new ProducerRecord<>(Topics.ROUTING_DECISIONS.name(), session, RoutingDecision.newBuilder()
                        .setDecisionId("d-" + session).setSessionId(session).setMerchantId(merchant).setDecidedAt(at.plusSeconds(i))
                        .setInputs(new RoutingInputs(hint, null, 5000L, "EUR", "DE", MerchantPackage.PRO, CheckoutMode.SMART_ROUTER, "default"))
                        .setCandidates(List.of()).setChosen(chosen).setReason(reason).build()));
                boolean paid = kind == 0 || kind == 2 || kind == 4 || kind == 6;
                states.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), session, SessionState.newBuilder().setSessionId(session)
                        .setMerchantId(merchant).setOrderId("o-" + i).setStatus(paid ? SessionStatus.PAID : SessionStatus.FAILED)
                        .setAmountMinor(5000).setCurrency("EUR").setShopDomain("shop.example").setCreatedAt(at).setUpdatedAt(at)
                        .setExpiresAt(at.plusSeconds(900)).setGraceSeconds(0).setSequence(3).setProvider(chosen).build()));
            }
        }
        Path rules = dir.resolve("rules.txt");
        Files.writeString(rules, "# no more wert; transak first for cards\noff=wert\ncard=transak,moonpay\n");

        StringWriter out = new StringWriter();
        assertThat(execute(out, "routing", "backtest", "--bootstrap", bootstrap, "--rules", rules.toString(),
                "--merchant", Long.toString(merchant), "--json")).as(out.toString()).isZero();
        JsonNode report = JSON.readTree(out.toString());
        assertThat(report.get("decisions").asInt()).isEqualTo(8_000);
        assertThat(report.get("buyer_chose").asInt()).isEqualTo(1_000);
        assertThat(report.get("fallbacks").asInt()).isEqualTo(1_000);
        assertThat(report.get("changed").asInt()).isEqualTo(6_000);
        assertThat(report.get("rows").toString()).isEqualTo("["
                + "{\"method\":\"card\",\"provider\":\"transak\",\"before\":0,\"after\":6000,\"paid_before\":0,\"conversion\":null},"
                + "{\"method\":\"card\",\"provider\":\"wert\",\"before\":6000,\"after\":0,\"paid_before\":3000,\"conversion\":0.5},"
                + "{\"method\":\"paypal\",\"provider\":\"paypal\",\"before\":2000,\"after\":2000,\"paid_before\":1000,\"conversion\":0.5}]");

        StringWriter window = new StringWriter();
        assertThat(execute(window, "routing", "backtest", "--bootstrap", bootstrap, "--rules", rules.toString(), "--merchant",
                Long.toString(merchant), "--from", at.plusSeconds(9_000).toString())).isZero();
        System.out.print(window); // the worked example of docs/OPERATIONS.md
        assertThat(window.toString()).as("the last 1,000 sessions only").contains("800 first-choice decisions (600 changed)")
                .contains("wert").contains("50.0 % (300 of 600)");

        StringWriter bad = new StringWriter();
        Files.writeString(rules, "card=nosuchprovider\n");
        assertThat(execute(bad, "routing", "backtest", "--bootstrap", bootstrap, "--rules", rules.toString())).isEqualTo(2);
        assertThat(bad.toString()).contains("names 'nosuchprovider', which is not a provider");
    }

    private static int execute(StringWriter out, String... args) {
        CommandLine cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }
}
