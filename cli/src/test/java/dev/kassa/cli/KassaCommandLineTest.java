package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(KafkaExtension.class)
class KassaCommandLineTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void dev_on_a_busy_port_ends_with_one_sentence_and_exit_code_2() throws IOException {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(0));
            int port = holder.getLocalPort();
            int code = run("dev", "--kafka-port", String.valueOf(port), "--data-dir", dir.toString());
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).isEqualTo(
                    "kassa dev: port " + port + " (Kafka) is already in use; stop what holds it or choose another port." + System.lineSeparator());
        }
    }

    @Test
    void dev_with_an_unusable_data_directory_ends_with_one_sentence_and_exit_code_2() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        int code = run("dev", "--kafka-port", "0", "--data-dir", file.resolve("data").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().asString()
                .startsWith("kassa dev: data directory " + file.resolve("data"))
                .endsWith("choose another with --data-dir.");
    }

    @Test
    void topics_creates_or_verifies_every_topic_on_a_running_cluster(KafkaCluster kafka) {
        int first = run("topics", "--bootstrap", kafka.bootstrapServers());
        assertThat(first).as(err.toString()).isEqualTo(0);
        int second = run("topics", "--bootstrap", kafka.bootstrapServers());
        assertThat(second).isEqualTo(0);
        assertThat(out.toString())
                .contains("1 broker(s); layout 6 partitions, replication factor 1, min.insync.replicas 1")
                .containsPattern("kassa.session-events\\s+verified")
                .containsPattern("kassa.merchants\\s+verified");
    }

    @Test
    void topics_refuses_a_replication_factor_the_cluster_cannot_hold(KafkaCluster kafka) {
        int code = run("topics", "--bootstrap", kafka.bootstrapServers(), "--replication-factor", "3");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("kassa topics: --replication-factor 3 needs at least 3 brokers; "
                + kafka.bootstrapServers() + " has 1." + System.lineSeparator());
    }

    @Test
    void an_unknown_option_is_a_usage_error_not_a_stack_trace() {
        int code = run("dev", "--kafka-prot", "9092");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("Unknown options: '--kafka-prot', '9092'").contains("Possible solutions: --kafka-port").doesNotContain("Exception");
    }

    @Test
    void redeliver_without_a_selection_says_what_to_name(KafkaCluster kafka) {
        int code = run("redeliver", "--bootstrap", kafka.bootstrapServers());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("kassa redeliver: name a session, an event, or a time range (--from and --to)."
                + System.lineSeparator());
    }

    @Test
    void redeliver_with_a_malformed_instant_says_how_to_write_one(KafkaCluster kafka) {
        int code = run("redeliver", "--bootstrap", kafka.bootstrapServers(), "--from", "yesterday", "--to", "2026-02-25T12:00:00Z");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("kassa redeliver: --from 'yesterday' is not an ISO-8601 instant");
    }

    @Test
    void relay_with_a_malformed_retry_schedule_says_how_to_write_one(@TempDir Path dir) {
        int code = run("relay", "--bootstrap", "localhost:1", "--state-dir", dir.toString(), "--retry-schedule", "5s,later");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("kassa relay: --retry-schedule: retry delay 'later' is not a number followed by ms, s, m, h or d")
                .doesNotContain("Exception");
    }
}
