package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** docker-compose.yml, the Dockerfile and deploy/ stay valid and agree with what the services serve. */
class DeployFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void docker_compose_config_accepts_the_file_and_lists_every_service() throws Exception {
        File compose = findOnPath("docker-compose");
        if (compose == null) {
            String reason = "SKIPPED DeployFilesTest.docker_compose_config: docker-compose is not installed "
                    + "(./kassa test installs Debian's package when it runs as root with apt-get)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        Result quiet = run(compose, "config", "-q");
        assertThat(quiet.exit).as(quiet.output).isZero();
        Result services = run(compose, "config", "--services");
        assertThat(services.exit).as(services.output).isZero();
        assertThat(services.output.lines().map(String::trim).filter(l -> !l.isEmpty()).toList()).containsExactlyInAnyOrder(
                "kafka-1", "kafka-2", "kafka-3", "registry", "topics", "aggregate", "relay", "gateway-1", "gateway-2",
                "certs", "kafka-credentials", "proxy", "prometheus", "grafana");
        Result config = run(compose, "config");
        assertThat(config.output).contains("KAFKA_DEFAULT_REPLICATION_FACTOR: '3'").contains("KAFKA_MIN_INSYNC_REPLICAS: '2'")
                .doesNotContain("kassa_admin_");
    }

    @Test
    void every_service_reaches_kafka_as_its_own_principal_and_no_broker_listens_in_plaintext() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertThat(compose).doesNotContain("PLAINTEXT://").doesNotContain("PLAINTEXT:PLAINTEXT")
                .contains("BROKER:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT")
                .contains("/mnt/shared/config/server.properties").contains("make-credentials.sh")
                .contains("\"--acls\", \"apply\"");
        for (String service : List.of("aggregate", "relay", "gateway")) {
            assertThat(compose).contains("./var/kafka/kassa-" + service + ".properties:/etc/kassa/kafka.properties:ro");
        }
        // The keyring goes to whoever seals or opens webhook secrets, and to no one else.
        assertThat(compose.split("secrets.keyring:/etc/kassa/secrets.keyring:ro", -1)).hasSize(4); // relay and two gateways
    }

    @Test
    void only_the_proxy_is_published_beyond_the_hosts_loopback_and_the_gateways_share_a_secret_and_an_admin_port() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        java.util.regex.Matcher ports = java.util.regex.Pattern.compile("ports: \\[([^\\]]*)\\]").matcher(compose);
        List<String> published = new java.util.ArrayList<>();
        while (ports.find()) {
            for (String port : ports.group(1).split(",")) {
                published.add(port.trim().replace("\"", ""));
            }
        }
        assertThat(published).as("every published port").isNotEmpty().allSatisfy(port -> assertThat(port)
                .as("a port on every interface is the proxy's (443, 80); the rest only on 127.0.0.1")
                .satisfiesAnyOf(p -> assertThat(p).startsWith("127.0.0.1:"),
                        p -> assertThat(p).isIn("${KASSA_HTTPS_PORT:-8443}:443", "${KASSA_HTTP_PORT:-8080}:80")));
        // Both gateways: an admin port of their own and the shared secret compose makes (their cookies and peer reads).
        assertThat(compose.split("\"--admin-port\", \"9080\"", -1)).hasSize(3);
        assertThat(compose.split("\"--shared-secret-file\", \"/etc/kassa/gateway.secret\"", -1)).hasSize(3);
        assertThat(Files.readString(ROOT.resolve("deploy/kafka/make-credentials.sh"))).contains("openssl rand -hex 32").contains("gateway.secret");
    }

    @Test
    void prometheus_scrapes_the_ports_the_services_are_told_to_serve() throws Exception {
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        String prometheus = Files.readString(ROOT.resolve("deploy/prometheus.yml"));
        assertThat(compose).contains("\"--ops-port\", \"9464\"").contains("\"--ops-port\", \"9465\"");
        assertThat(prometheus).contains("aggregate:9464").contains("relay:9465").contains("gateway-1:9080").contains("gateway-2:9080");
        // The operator API and /metrics: on the gateways' admin port only, never through the public proxy.
        assertThat(compose).contains("\"--admin-port\", \"9080\"").contains("KASSA_GATEWAY_TRUST_FORWARDED_FOR: \"true\"")
                .contains("\"${KASSA_HTTPS_PORT:-8443}:443\"").contains("make-cert.sh");
        String nginx = Files.readString(ROOT.resolve("deploy/nginx.conf"));
        assertThat(nginx).contains("location ^~ /metrics { return 404; }").contains("location ^~ /admin { return 404; }")
                .doesNotContain(":9080");
    }

    @Test
    void the_dashboard_queries_only_series_kassa_exports() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(ROOT.resolve("deploy/grafana/dashboards/kassa-overview.json").toFile());
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(8);
        Pattern series = Pattern.compile("\\b(kassa_[a-z_]+|kafka_[a-z_]+)\\b");
        List<String> names = new ArrayList<>();
        for (String expr : exprs) {
            Matcher m = series.matcher(expr);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        // Every series the dashboard reads is one docs/OPERATIONS.md documents (a histogram's _bucket, _count, _sum and
        // _max with it); PrometheusTest runs each query against a live Prometheus scraping kassa dev.
        Matcher documented = Pattern.compile("`((?:kassa|kafka)_[a-z_]+)").matcher(Files.readString(ROOT.resolve("docs/OPERATIONS.md")));
        List<String> known = new ArrayList<>();
        while (documented.find()) {
            known.add(documented.group(1));
        }
        assertThat(names).isNotEmpty().allMatch(n -> known.contains(n.replaceAll("_(bucket|count|sum|max)$", "")) || known.contains(n),
                "a series docs/OPERATIONS.md documents");
    }

    @Test
    void the_test_profile_runs_the_same_commands_with_only_the_sandbox_and_loopback_flags_added() throws Exception {
        var yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        JsonNode main = yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
        JsonNode test = yaml.readTree(ROOT.resolve("deploy/compose-test.yml").toFile()).get("services");
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            List<String> expected = new ArrayList<>(commandOf(main.get(gateway)));
            expected.add("--development");
            assertThat(commandOf(test.get(gateway))).as(gateway).isEqualTo(expected);
        }
        List<String> relay = new ArrayList<>(commandOf(main.get("relay")));
        relay.add("--allow-loopback-webhooks");
        assertThat(commandOf(test.get("relay"))).isEqualTo(relay);
        assertThat(test.get("receiver").get("network_mode").asText()).isEqualTo("service:relay");
    }

    @Test
    void the_local_kassa_image_runs_as_the_projects_dockerfile_does() throws Exception {
        // The runtime stage of ./Dockerfile and deploy/local-images/kassa.Dockerfile: the same user, directory,
        // environment and entrypoint (only where the jars come from differs).
        assertThat(runtimeLines(Files.readString(ROOT.resolve("deploy/local-images/kassa.Dockerfile"))))
                .isEqualTo(runtimeLines(Files.readString(ROOT.resolve("Dockerfile"))))
                .anyMatch(l -> l.startsWith("ENTRYPOINT")).anyMatch(l -> l.startsWith("USER kassa"));
    }

    private static List<String> runtimeLines(String dockerfile) {
        String stage = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        return stage.lines().map(String::trim)
                .filter(l -> l.startsWith("RUN") || l.startsWith("USER") || l.startsWith("WORKDIR") || l.startsWith("ENV") || l.startsWith("ENTRYPOINT"))
                .toList();
    }

    private static List<String> commandOf(JsonNode service) {
        List<String> command = new ArrayList<>();
        service.get("command").forEach(part -> command.add(part.asText()));
        return command;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(File compose, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(compose.getPath(), "-f", ROOT.resolve("docker-compose.yml").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().put("KASSA_ADMIN_TOKEN", "compose-config-test-token");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private static File findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
