package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.log.EventLogReplay;
import dev.kassa.relay.app.RelayService;
import dev.kassa.relay.signing.WebhookSigner;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege on a broker that authenticates (SASL) and authorizes (Kafka's StandardAuthorizer): {@code kassa
 * topics} creates the services' SCRAM users and ACLs as the super user; the aggregate, the relay and the gateway each
 * run as their own principal and a paid session's webhook arrives signed; the webhook secret is sealed on
 * {@code kassa.merchants}; and a principal cannot write what is not its fact.
 */
class KafkaLeastPrivilegeTest {

    private static final String ADMIN_TOKEN = "least-privilege-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static LocalKafka kafka;
    private static KafkaAccess gatewayAccess;
    private static KafkaAccess relayAccess;
    private static Path gatewayConfig;

    @BeforeAll
    static void secureCluster() throws Exception {
        kafka = LocalKafka.startTemporarySecured();
        Path admin = clientConfig("admin", kafka.superUserClientProperties());
        List<String> args = new ArrayList<>(List.of("topics", "--bootstrap", kafka.bootstrapServers(), "--partitions", "3",
                "--kafka-config", admin.toString(), "--acls", "apply"));
        for (String user : List.of("kassa-gateway", "kassa-aggregate", "kassa-relay")) {
            Path password = dir.resolve(user + ".password");
            Files.writeString(password, UUID.randomUUID() + "\n");
            args.addAll(List.of("--scram-user", user + "=" + password));
            clientConfig(user, scram(user, Files.readString(password).strip()));
        }
        StringWriter out = new StringWriter();
        assertThat(execute(out, args.toArray(String[]::new))).as(out.toString()).isZero();
        assertThat(out.toString()).contains("SCRAM-SHA-256 users set: kassa-gateway, kassa-aggregate, kassa-relay")
                .contains("User:kassa-relay").contains("ACLs applied");
        gatewayConfig = dir.resolve("kassa-gateway.properties");
        gatewayAccess = KafkaAccess.load(kafka.bootstrapServers(), gatewayConfig);
        relayAccess = KafkaAccess.load(kafka.bootstrapServers(), dir.resolve("kassa-relay.properties"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void each_service_runs_as_its_own_principal_and_a_paid_session_is_delivered_signed_with_a_sealed_secret() throws Exception {
        Path keyring = dir.resolve("secrets.keyring");
        Files.writeString(keyring, "# test keyring\n" + SecretKeyring.newKeyLine("k1") + "\n");
        KafkaAccess aggregateAccess = KafkaAccess.load(kafka.bootstrapServers(), dir.resolve("kassa-aggregate.properties"));
        List<HttpRecord> webhooks = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            webhooks.add(new HttpRecord(exchange.getRequestBody().readAllBytes(), exchange.getRequestHeaders().getFirst("X-Signature")));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        AggregateService.Config aggregateDefaults = AggregateService.Config.defaults(kafka.bootstrapServers(), dir.resolve("aggregate"));
        RelayService.Config relayDefaults = RelayService.Config.defaults(kafka.bootstrapServers(), dir.resolve("relay"), true);
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(aggregateAccess, "kassa-aggregate",
                     aggregateDefaults.stateDir(), Duration.ofMillis(100), 0, AggregateSettings.DEFAULTS, Map.of()));
             RelayService relay = RelayService.start(new RelayService.Config(relayAccess, "kassa-relay", relayDefaults.stateDir(), true,
                     Duration.ofSeconds(5), RelaySettings.DEFAULTS.withKeyring(SecretKeyring.load(keyring)), Map.of()));
             GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN_TOKEN, "http://localhost:8080", true,
                     Map.of("kassa.gateway.kafka-config", gatewayConfig.toString(), "kassa.gateway.secrets-keyring", keyring.toString()))) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            relay.awaitRunning(Duration.ofSeconds(60));
            // The gateway's health check (an admin client's describeCluster) works as the gateway's principal.
            await().atMost(Duration.ofSeconds(30)).until(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(gateway.url() + "/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

            JsonNode merchant = JSON.readTree(post(gateway.url() + "/admin/merchants", "Authorization", "Bearer " + ADMIN_TOKEN,
                    "{\"email\":\"m@acl.example\",\"domains\":[\"acl.example\"],\"package\":\"pro\",\"webhook_url\":\"http://127.0.0.1:"
                            + receiver.getAddress().getPort() + "/hook\"}").body());
            String secret = merchant.get("webhook_secret").asText();
            long merchantId = merchant.get("merchant_id").asLong();
            HttpResponse<String> created = post(gateway.url() + "/gateway/session.php", "X-API-Key", merchant.get("api_key").asText(),
                    "{\"domain\":\"acl.example\",\"amount\":\"12.50\",\"currency\":\"EUR\",\"order_id\":\"ACL-1\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            long session = JSON.readTree(created.body()).get("session_id").asLong();
            HttpResponse<String> paid = post(gateway.url() + "/sandbox/sessions/" + session + "/pay", "Accept", "application/json",
                    "{\"outcome\":\"paid\"}");
            assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(60)).until(() -> webhooks.stream()
                    .anyMatch(w -> new String(w.body(), StandardCharsets.UTF_8).contains("\"status\":\"paid\"")));
            // Signed with the secret the merchant was shown, which the relay could only have from the sealed record.
            assertThat(webhooks).allSatisfy(w -> assertThat(WebhookSigner.verifyXSignature(w.body(), secret, w.signature())).isTrue());

            // On the topic the secret is sealed: whoever reads kassa.merchants without the keyring learns nothing.
            List<Merchant> records = new ArrayList<>();
            EventLogReplay.readToEnd(new KafkaAccess(kafka.bootstrapServers(), kafka.superUserClientProperties()), Topics.MERCHANTS.name(),
                    Topics.MERCHANTS.keySerde().deserializer(), Topics.MERCHANTS.valueSerde().deserializer(), (Long id, Merchant m) -> {
                        if (m != null && id == merchantId) {
                            records.add(m);
                        }
                    });
            assertThat(records).isNotEmpty().allSatisfy(m -> assertThat(m.getWebhookSecret()).startsWith(SecretKeyring.PREFIX)
                    .doesNotContain(secret));
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void the_relay_cannot_write_merchants_and_the_gateway_cannot_write_events() {
        assertThatThrownBy(() -> write(relayAccess, Topics.MERCHANTS.name()))
                .hasCauseInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.MERCHANTS.name());
        assertThatThrownBy(() -> write(gatewayAccess, Topics.SESSION_EVENTS.name()))
                .hasCauseInstanceOf(TopicAuthorizationException.class).hasMessageContaining(Topics.SESSION_EVENTS.name());
    }

    @Test
    void the_gateway_cannot_read_what_the_relay_keeps_for_itself_and_strangers_cannot_sign_in() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(gatewayAccess.config(Map.of()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            assertThatThrownBy(() -> consumer.partitionsFor("kassa-relay-relay-deliveries-changelog"))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
        Map<String, String> stranger = scram("kassa-gateway", "not-the-password");
        try (Admin admin = Admin.create(new KafkaAccess(kafka.bootstrapServers(), stranger).config(Map.of()))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void acls_print_lists_each_principal_without_a_cluster() {
        StringWriter out = new StringWriter();
        assertThat(execute(out, "topics", "--bootstrap", "localhost:1", "--acls", "print")).isZero();
        assertThat(out.toString()).contains("User:kassa-gateway").contains("WRITE").contains("kassa.session-commands")
                .contains("User:kassa-aggregate").contains("TRANSACTIONAL_ID").contains("PREFIXED").contains("kassa-aggregate-");
        assertThat(out.toString().lines().filter(l -> l.startsWith("User:kassa-relay") && l.contains("WRITE")
                && l.contains("LITERAL"))).allSatisfy(l -> assertThat(l).containsAnyOf("kassa.webhook-attempts", "kassa.webhook-endpoint-status"));
    }

    /**
     * docker-compose's Kafka security, as deploy/kafka/make-credentials.sh makes it: a node started with the
     * server.properties it writes, topics, users and ACLs applied with its admin.properties as compose's topics service
     * does, and the relay signing in with its own file: it reads merchants and cannot write them.
     */
    @Test
    void the_compose_credentials_script_makes_a_cluster_the_services_can_sign_in_to() throws Exception {
        Path creds = Files.createDirectories(dir.resolve("compose-creds"));
        ProcessBuilder builder = new ProcessBuilder("sh", Path.of("..", "deploy", "kafka", "make-credentials.sh").toAbsolutePath().toString())
                .redirectErrorStream(true);
        builder.environment().put("CRED_DIR", creds.toString());
        Process made = builder.start();
        String output = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(made.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(made.exitValue()).as(output).isZero();

        java.util.Properties server = new java.util.Properties();
        try (var reader = Files.newBufferedReader(creds.resolve("server.properties"))) {
            server.load(reader);
        }
        Map<String, String> admin = KafkaAccess.load("unused:1", creds.resolve("admin.properties")).clientProperties();
        try (LocalKafka compose = LocalKafka.startTemporarySecured(server, admin)) {
            StringWriter out = new StringWriter();
            List<String> args = new ArrayList<>(List.of("topics", "--bootstrap", compose.bootstrapServers(), "--partitions", "1",
                    "--kafka-config", creds.resolve("admin.properties").toString(), "--acls", "apply"));
            for (String user : List.of("kassa-gateway", "kassa-aggregate", "kassa-relay")) {
                args.addAll(List.of("--scram-user", user + "=" + creds.resolve(user + ".password")));
            }
            assertThat(execute(out, args.toArray(String[]::new))).as(out.toString()).isZero();
            KafkaAccess relayOfCompose = KafkaAccess.load(compose.bootstrapServers(), creds.resolve("kassa-relay.properties"));
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(relayOfCompose.config(Map.of()),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                assertThat(consumer.partitionsFor(Topics.MERCHANTS.name())).hasSize(1);
            }
            assertThatThrownBy(() -> write(relayOfCompose, Topics.MERCHANTS.name())).hasCauseInstanceOf(TopicAuthorizationException.class);
            assertThat(SecretKeyring.load(creds.resolve("secrets.keyring")).primaryKeyId()).isEqualTo("compose-1");
        }
    }

    private static void write(KafkaAccess access, String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(access.config(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, new byte[8], new byte[] {1})).get(30, TimeUnit.SECONDS);
        }
    }

    private record HttpRecord(byte[] body, String signature) {
    }

    private static int execute(StringWriter out, String... args) {
        var cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    private static Map<String, String> scram(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";");
    }

    private static Path clientConfig(String name, Map<String, String> properties) throws Exception {
        Path file = dir.resolve(name + ".properties");
        StringBuilder text = new StringBuilder();
        properties.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text);
        return file;
    }

    private static HttpResponse<String> post(String url, String header, String value, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header(header, value)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
