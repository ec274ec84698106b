package dev.kassa.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metrics_show_what_was_counted_before_the_ops_port_opened_and_after() throws Exception {
        Counter before = Counter.builder("kassa.test.before").tag("kind", "early").register(KassaMetrics.registry());
        before.increment(3);
        try (OpsServer ops = new OpsServer(0)) {
            Counter.builder("kassa.test.after").register(KassaMetrics.registry()).increment();
            HttpResponse<String> metrics = get(ops, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body()).contains("kassa_test_before_total{kind=\"early\"} 3.0").contains("kassa_test_after_total 1.0");
        }
    }

    @Test
    void health_is_503_while_any_part_is_down_and_names_it() throws Exception {
        AtomicBoolean restoring = new AtomicBoolean(true);
        try (OpsServer ops = new OpsServer(0);
             AutoCloseable check = Health.register(() -> Health.streams("aggregate",
                     restoring.get() ? KafkaStreams.State.REBALANCING : KafkaStreams.State.RUNNING))) {
            HttpResponse<String> down = get(ops, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"ok\":false").contains("\"aggregate\":{").contains("streams rebalancing");
            restoring.set(false);
            HttpResponse<String> up = get(ops, "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"ok\":true").contains("streams running");
        }
        assertThat(Health.evaluate()).as("closing the handle unregisters the check").isEmpty();
    }

    @Test
    void only_running_counts_as_healthy() {
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            assertThat(Health.streams("s", state).up()).as(state.name()).isEqualTo(state == KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void metrics_refuse_other_methods() throws Exception {
        try (OpsServer ops = new OpsServer(0)) {
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    private static HttpResponse<String> get(OpsServer ops, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
