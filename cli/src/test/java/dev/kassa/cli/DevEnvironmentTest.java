package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.localkafka.FreePorts;
import dev.kassa.schemas.TopicProvisioner.Action;
import dev.kassa.schemas.TopicProvisioner.TopicCheck;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.SessionCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevEnvironmentTest {

    @TempDir
    Path dataDir;

    @Test
    void first_start_creates_every_topic_runs_the_aggregate_and_a_second_start_keeps_the_data() throws Exception {
        int port = FreePorts.pick();
        int http = FreePorts.pick();
        String apiKey;
        try (DevEnvironment env = DevEnvironment.start(dataDir, port, http)) {
            assertThat(env.kafka().bootstrapServers()).isEqualTo("localhost:" + port);
            assertThat(env.topics()).extracting(TopicCheck::action).containsOnly(Action.CREATED);
            assertThat(env.topics()).hasSameSizeAs(Topics.all());
            assertThat(env.aggregate().isRunning()).isTrue();
            assertThat(env.relay().state()).isEqualTo(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
            assertThat(createAndAwaitResult(env, CREATE).getOutcome()).isEqualTo(CommandOutcome.APPLIED);
            assertThat(httpGet(env.gateway().url() + "/health")).isEqualTo(200);
            var credentials = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dataDir.resolve("dev-credentials.json").toFile());
            assertThat(credentials.get("admin_token").asText()).startsWith("kassa_admin_");
            assertThat(credentials.get("kafka_bootstrap").asText()).isEqualTo("localhost:" + port);
            assertThat(credentials.get("merchant").get("domain").asText()).isEqualTo("demo-shop.example");
            apiKey = credentials.get("merchant").get("api_key").asText();
            // kassa merchant create / update / list against this environment.
            java.io.StringWriter out = new java.io.StringWriter();
            picocli.CommandLine cli = Kassa.commandLine();
            cli.setOut(new java.io.PrintWriter(out, true));
            cli.setErr(new java.io.PrintWriter(out, true));
            String token = credentials.get("admin_token").asText();
            assertThat(cli.execute("merchant", "create", "--gateway", env.gateway().url(), "--admin-token", token,
                    "--email", "cli@example.com", "--domain", "cli-shop.example", "--package", "pro")).as(out.toString()).isEqualTo(0);
            long created = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString().lines().findFirst().orElseThrow())
                    .get("merchant_id").asLong();
            assertThat(cli.execute("merchant", "update", String.valueOf(created), "--gateway", env.gateway().url(),
                    "--admin-token", token, "--disable")).as(out.toString()).isEqualTo(0);
            assertThat(cli.execute("merchant", "update", String.valueOf(created), "--gateway", env.gateway().url(),
                    "--admin-token", token)).isEqualTo(2);
            assertThat(cli.execute("merchant", "list", "--bootstrap", env.kafka().bootstrapServers())).isEqualTo(0);
            assertThat(out.toString()).containsPattern(created + "\\s+cli@example.com\\s+pro\\s+hosted_checkout\\s+disabled")
                    .contains("demo@demo-shop.example").doesNotContain(credentials.get("merchant").get("api_key").asText());
            // kassa merchant rotate-key: a new key printed once, the previous one revoked at once.
            assertThat(cli.execute("merchant", "rotate-key", String.valueOf(created), "--gateway", env.gateway().url(),
                    "--admin-token", token, "--previous-expires-in", "0")).as(out.toString()).isEqualTo(0);
            assertThat(out.toString()).containsPattern("api key  kassa_\\S+   \\(shown once").contains("previous key revoked");
            // The demo merchant's key works against the merchant API.
            assertThat(httpPost(env.gateway().url() + "/gateway/session.php", apiKey,
                    "{\"domain\":\"demo-shop.example\",\"amount\":\"10.00\",\"currency\":\"EUR\",\"order_id\":\"DEV-1\"}")).isEqualTo(200);
        }
        try (DevEnvironment env = DevEnvironment.start(dataDir, port, http)) {
            var credentials = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dataDir.resolve("dev-credentials.json").toFile());
            assertThat(credentials.get("merchant").get("api_key").asText()).as("kept across starts").isEqualTo(apiKey);
            assertThat(env.topics()).extracting(TopicCheck::action).containsOnly(Action.VERIFIED);
            // The session made before the restart is still known: the same create is now a duplicate.
            List<CommandResult> results = new ArrayList<>();
            send(env, CREATE);
            try (KafkaConsumer<Long, CommandResult> consumer = resultsConsumer(env)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> results.add(r.value()));
                    return results.stream().anyMatch(r -> r.getOutcome() == CommandOutcome.DUPLICATE);
                });
            }
            assertThat(results).filteredOn(r -> r.getCommandId().equals(CREATE.getCommandId()))
                    .extracting(CommandResult::getOutcome).containsExactly(CommandOutcome.APPLIED, CommandOutcome.DUPLICATE);
        }
    }

    /**
     * Traffic through every service (a session created over HTTP, paid by a signed sandbox callback, its webhooks
     * delivered to a loopback receiver), then every series the ops docs name is on /metrics with a value.
     */
    @Test
    void metrics_name_requests_transitions_webhooks_and_lag_after_traffic_and_health_lists_every_part() throws Exception {
        int port = FreePorts.pick();
        int http = FreePorts.pick();
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> webhooks = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            webhooks.add(new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (DevEnvironment env = DevEnvironment.start(dataDir, port, http)) {
            String token = json.readTree(dataDir.resolve("dev-credentials.json").toFile()).get("admin_token").asText();
            var merchant = json.readTree(send("POST", env.gateway().url() + "/admin/merchants", "Authorization", "Bearer " + token,
                    "{\"email\":\"m@metrics.example\",\"domains\":[\"metrics.example\"],\"package\":\"pro\",\"webhook_url\":\"http://127.0.0.1:"
                            + receiver.getAddress().getPort() + "/hook\"}").body());
            var created = json.readTree(send("POST", env.gateway().url() + "/gateway/session.php", "X-API-Key", merchant.get("api_key").asText(),
                    "{\"domain\":\"metrics.example\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"order_id\":\"M-1\","
                            + "\"customer_email\":\"m.buyer@metrics.example\"}").body());
            long session = created.get("session_id").asLong();
            // The sandbox provider starts an attempt and pays it with its signed callback to /api/webhook.php.
            var paid = send("POST", env.gateway().url() + "/sandbox/sessions/" + session + "/pay", "Accept", "application/json",
                    "{\"outcome\":\"paid\"}");
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> webhooks.stream().anyMatch(w -> w.contains("\"status\":\"paid\"")));

            // Kafka's client metrics are sampled: the lag gauge appears once the consumers have fetched.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String metrics = send("GET", env.gateway().url() + "/metrics", "Accept", "text/plain", null).body();
                assertThat(metrics)
                        .containsPattern("kassa_http_server_requests_seconds_count\\{endpoint=\"/gateway/session.php\",method=\"POST\",outcome=\"success\",status=\"200\"} [1-9]")
                        .containsPattern("kassa_http_server_requests_seconds_count\\{endpoint=\"/api/webhook.php\",method=\"POST\",outcome=\"success\",status=\"200\"} [1-9]")
                        // A histogram (issue 18: percentiles that aggregate across gateways), no longer a per-instance quantile.
                        .containsPattern("kassa_http_server_requests_seconds_bucket\\{endpoint=\"/gateway/session.php\",method=\"POST\",outcome=\"success\",status=\"200\",le=\"0.25\"} [0-9]+")
                        .containsPattern("kassa_transitions_total\\{status=\"created\"} [1-9]")
                        .containsPattern("kassa_transitions_total\\{status=\"paid\"} [1-9]")
                        .containsPattern("kassa_webhook_attempts_total\\{outcome=\"delivered\"} [1-9]")
                        .containsPattern("kassa_webhook_delivery_lag_seconds_count [1-9]")
                        .contains("kassa_expiry_lag_seconds_count")
                        // The sandbox's attempt started and was paid: one provider's health over the last 15 minutes.
                        .containsPattern("kassa_provider_attempts\\{outcome=\"succeeded\",provider=\"[a-z]+\"} [1-9]")
                        .containsPattern("kassa_provider_success_ratio\\{provider=\"[a-z]+\"} 1\\.0")
                        .containsPattern("kassa_provider_latency_seconds\\{percentile=\"95\",provider=\"[a-z]+\"} [0-9.]+")
                        .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*service=\"aggregate\"")
                        .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*service=\"relay\"");
            });
            // kassa routing set, then show with the provider health from the log: the sandbox's paid attempt is there.
            java.nio.file.Path rules = Files.writeString(dataDir.resolve("rules.txt"), "# card first with revolut\ncard=revolut\n");
            var set = new java.io.StringWriter();
            assertThat(cli(set, "routing", "set", "--gateway", env.gateway().url(), "--admin-token", token, "--rules", rules.toString(),
                    "--unhealthy", "moonpay", "--note", "moonpay incident")).as(set.toString()).isZero();
            assertThat(set.toString()).contains("Routing settings version", "decisions record v", "rules:     card=revolut",
                    "unhealthy: moonpay", "note:      moonpay incident");
            var shown = new java.io.StringWriter();
            assertThat(cli(shown, "routing", "show", "--gateway", env.gateway().url(), "--admin-token", token, "--bootstrap",
                    "localhost:" + port, "--json")).as(shown.toString()).isZero();
            var setting = json.readTree(shown.toString());
            assertThat(setting.get("rules").asText()).isEqualTo("card=revolut");
            assertThat(setting.get("provider_health")).singleElement().satisfies(row -> {
                assertThat(row.get("succeeded").asInt()).isEqualTo(1);
                assertThat(row.get("success_rate").asDouble()).isEqualTo(1.0);
                assertThat(row.get("latency_p50_ms").isNumber()).as(row.toString()).isTrue();
            });
            // A support ticket: the session by its order, then by the buyer's e-mail with its timeline (exactly one found).
            var byOrder = new java.io.StringWriter();
            assertThat(cli(byOrder, "history", "--gateway", env.gateway().url(), "--admin-token", token, "--order", "M-1", "--merchant",
                    merchant.get("merchant_id").asText())).as(byOrder.toString()).isZero();
            assertThat(byOrder.toString()).contains("1 session found", Long.toString(session), "order M-1", "paid", "12.50 EUR");
            var byEmail = new java.io.StringWriter();
            assertThat(cli(byEmail, "history", "--gateway", env.gateway().url(), "--admin-token", token, "--email", "M.Buyer@metrics.example",
                    "--bootstrap", "localhost:" + port)).as(byEmail.toString()).isZero();
            assertThat(byEmail.toString()).contains("1 session found", "session " + session + " (").containsPattern("paid");
            var nobody = new java.io.StringWriter();
            assertThat(cli(nobody, "history", "--gateway", env.gateway().url(), "--admin-token", token, "--email", "nobody@metrics.example"))
                    .isZero();
            assertThat(nobody.toString()).contains("0 sessions found");

            // kassa providers: an account added from key files is listed sealed, never with its keys, and removed.
            Path sk = Files.writeString(dataDir.resolve("stripe.key"), "sk_test_devenv\n");
            Path wh = Files.writeString(dataDir.resolve("stripe.whsec"), "whsec_devenv\n");
            var added = new java.io.StringWriter();
            assertThat(cli(added, "providers", "add", "stripe", "--gateway", env.gateway().url(), "--admin-token", token, "--secret-key-file",
                    sk.toString(), "--webhook-secret-file", wh.toString(), "--currencies", "EUR,JPY")).as(added.toString()).isZero();
            assertThat(added.toString()).contains("stripe: card, EUR, JPY; keys sealed with the keyring").doesNotContain("sk_test", "whsec_");
            var listed = new java.io.StringWriter();
            assertThat(cli(listed, "providers", "list", "--gateway", env.gateway().url(), "--admin-token", token)).isZero();
            assertThat(listed.toString()).contains("stripe: card").doesNotContain("sk_test");
            var removed = new java.io.StringWriter();
            assertThat(cli(removed, "providers", "remove", "stripe", "--gateway", env.gateway().url(), "--admin-token", token)).isZero();
            assertThat(removed.toString()).contains("Removed the account at stripe.");

            var cleared = new java.io.StringWriter();
            assertThat(cli(cleared, "routing", "clear", "--gateway", env.gateway().url(), "--admin-token", token)).isZero();
            assertThat(cleared.toString()).contains("version 0", "start-up flags");

            var health = send("GET", env.gateway().url() + "/health", "Accept", "application/json", null);
            assertThat(health.statusCode()).isEqualTo(200);
            var checks = json.readTree(health.body()).get("checks");
            assertThat(checks.fieldNames()).toIterable().containsExactlyInAnyOrder("kafka", "replicas", "views", "aggregate", "relay");
            checks.forEach(c -> assertThat(c.get("up").asBoolean()).as(c.toString()).isTrue());
        } finally {
            receiver.stop(0);
        }
    }

    private static int cli(java.io.StringWriter out, String... args) {
        picocli.CommandLine cli = Kassa.commandLine();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(out, true));
        return cli.execute(args);
    }

    private static java.net.http.HttpResponse<String> send(String method, String url, String header, String value, String body) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header(header, value)
                .header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private static int httpGet(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int httpPost(String url, String apiKey, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("X-API-Key", apiKey).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static CommandResult createAndAwaitResult(DevEnvironment env, SessionCommand create) throws Exception {
        send(env, create);
        List<CommandResult> results = new ArrayList<>();
        try (KafkaConsumer<Long, CommandResult> consumer = resultsConsumer(env)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> results.add(r.value()));
                return !results.isEmpty();
            });
        }
        return results.get(0);
    }

    private static final SessionCommand CREATE = SessionCommand.newBuilder().setCommandId("dev-create-1").setSessionId(1)
            .setMerchantId(1).setIssuedAt(Instant.now()).setActor("test")
            .setPayload(CreateSession.newBuilder().setOrderId("O-1").setAmountMinor(100).setCurrency("EUR")
                    .setShopDomain("shop.example").setExpiresAt(Instant.now().plusSeconds(900)).setGraceSeconds(1800).build())
            .build();

    private static void send(DevEnvironment env, SessionCommand create) throws Exception {
        long session = create.getSessionId();
        try (KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka().bootstrapServers()),
                Topics.SESSION_COMMANDS.keySerde().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, create)).get();
        }
    }

    private static KafkaConsumer<Long, CommandResult> resultsConsumer(DevEnvironment env) {
        KafkaConsumer<Long, CommandResult> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dev-test-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer());
        consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
        return consumer;
    }
}
