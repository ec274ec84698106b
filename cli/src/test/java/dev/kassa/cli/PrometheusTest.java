package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.FreePorts;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kassa's metrics checked by Prometheus itself (Debian's package): {@code promtool check metrics} finds nothing to
 * say about {@code /metrics} of a fresh {@code kassa dev} nor after it served; {@code promtool check rules} accepts
 * deploy/prometheus/alerts.yml; a real Prometheus scrapes {@code kassa dev}, loads the rules, and answers a
 * histogram quantile across endpoints and the sessions-by-status gauge after a create, and every query of the Grafana
 * dashboard parses. Skips, saying why, where
 * Prometheus cannot be installed ({@code ./kassa test} installs it when it runs as root with apt-get).
 */
class PrometheusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path ALERTS = Path.of("../deploy/prometheus/alerts.yml").toAbsolutePath().normalize();
    private static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/kassa-overview.json").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void prometheus_scrapes_kassa_dev_loads_the_rules_and_promtool_finds_nothing_to_say() throws Exception {
        String missing = !new File("/usr/bin/prometheus").canExecute() ? "Prometheus is not installed at /usr/bin/prometheus"
                : !new File("/usr/bin/promtool").canExecute() ? "promtool is not installed at /usr/bin/promtool" : null;
        if (missing != null) {
            String reason = "SKIPPED PrometheusTest: " + missing + " (./kassa test installs Debian's prometheus package when it runs as "
                    + "root with apt-get)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        assertThat(run(null, "/usr/bin/promtool", "check", "rules", ALERTS.toString())).contains("SUCCESS: 7 rules found");

        Path data = Files.createDirectories(dir.resolve("kassa"));
        try (DevEnvironment env = DevEnvironment.start(data, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            assertThat(run(scrape(url), "/usr/bin/promtool", "check", "metrics")).as("a fresh kassa dev").isEmpty();

            int port = FreePorts.pick();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    rule_files: ["%s"]
                    scrape_configs:
                      - job_name: kassa-gateway
                        static_configs:
                          - targets: ["%s"]
                    """.formatted(ALERTS, URI.create(url).getAuthority()));
            Process prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/";
                // Until Prometheus listens, its port refuses connections: that is waiting, not failing.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptionsInstanceOf(java.net.ConnectException.class)
                        .until(() -> value(api, "up{job=\"kassa-gateway\"}") == 1.0);

                String key = JSON.readTree(data.resolve("dev-credentials.json").toFile()).at("/merchant/api_key").asText();
                for (int i = 0; i < 5; i++) {
                    HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/gateway/session.php"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"demo-shop.example\",\"amount\":\"9.99\",\"currency\":\"EUR\","
                                    + "\"order_id\":\"PROM-" + i + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> value(api, "max(kassa_sessions{status=\"created\"})") >= 5);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    double p99 = value(api, "histogram_quantile(0.99, sum by (le) (rate(kassa_http_server_requests_seconds_bucket[30s])))");
                    return !Double.isNaN(p99) && p99 > 0 && p99 <= 30;
                });
                // Every query of the Grafana dashboard is valid PromQL over these series.
                JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
                for (JsonNode panel : dashboard.get("panels")) {
                    for (JsonNode target : panel.get("targets")) {
                        String expr = target.get("expr").asText();
                        JsonNode answer = JSON.readTree(get(api + "query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
                        assertThat(answer.get("status").asText()).as(panel.get("title").asText() + ": " + expr + " -> " + answer)
                                .isEqualTo("success");
                    }
                }
                JsonNode rules = JSON.readTree(get(api + "rules"));
                assertThat(rules.at("/data/groups/0/rules")).hasSize(7)
                        .allSatisfy(rule -> assertThat(rule.get("health").asText()).as(rule.get("name").asText()).isEqualTo("ok"));
            } finally {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(run(scrape(url), "/usr/bin/promtool", "check", "metrics")).as("kassa dev after it served").isEmpty();
        }
    }

    /** The value of an instant query, NaN when it has no result yet. */
    private static double value(String api, String query) throws Exception {
        JsonNode answer = JSON.readTree(get(api + "query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
        JsonNode result = answer.at("/data/result");
        return result.isArray() && !result.isEmpty() ? Double.parseDouble(result.get(0).get("value").get(1).asText()) : Double.NaN;
    }

    private static String scrape(String url) throws Exception {
        return get(url + "/metrics");
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Runs a command with {@code input} on its stdin; returns what it printed, after asserting it exited 0. */
    private static String run(String input, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (input != null) {
            process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }
}
