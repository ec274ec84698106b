package dev.kassa.gateway;

import dev.kassa.gateway.shared.Json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.WebhookEndpoints;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantUser;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook secrets on kassa.merchants are sealed with the gateway's keyring, stay sealed through a rotation of the
 * merchant's secret, and are resealed under a new first key by {@code POST /admin/merchants/reseal-secrets}, after
 * which the old key is no longer needed. Its own broker: resealing touches every merchant on the cluster, and other
 * tests' merchants are none of its business.
 */
class SecretSealingTest {

    private static final String ADMIN = "sealing-admin-token-0123456789";

    @TempDir
    Path dir;

    private static LocalKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = LocalKafka.startTemporary();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void secrets_are_sealed_rotated_and_resealed_under_a_new_key() throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String oldKey = SecretKeyring.newKeyLine("old");
        String newKey = SecretKeyring.newKeyLine("new");
        Path before = Files.writeString(dir.resolve("before.keyring"), oldKey + "\n");
        Path after = Files.writeString(dir.resolve("after.keyring"), newKey + "\n" + oldKey + "\n");
        long merchantId;
        String first;
        String second;
        String third;
        long thirdKey;
        try (GatewayServer gateway = start(kafka, before)) {
            var created = Json.MAPPER.readTree(send(gateway, "POST", "/admin/merchants",
                    "{\"email\":\"s@example.com\",\"domains\":[\"seal.example\"],\"package\":\"pro\",\"webhook_url\":\"https://hooks.seal.example/first\"}").body());
            merchantId = created.get("merchant_id").asLong();
            first = created.get("webhook_secret").asText();
            var rotated = Json.MAPPER.readTree(send(gateway, "PATCH", "/admin/merchants/" + merchantId,
                    "{\"rotate_webhook_secret\":true}").body());
            second = rotated.get("webhook_secret").asText();
            var added = Json.MAPPER.readTree(send(gateway, "POST", "/admin/merchants/" + merchantId + "/webhook-endpoints",
                    "{\"url\":\"https://hooks.seal.example/second\"}").body());
            third = added.get("secret").asText();
            thirdKey = WebhookEndpoints.key(added.get("endpoint_id").asText());
        }
        // A dashboard user with two-step sign-in, its key sealed with the old key (as the gateway writes it).
        SecretKeyring.Binding userBinding = SecretKeyring.Binding.twoStep(merchantId, "clerk@seal.example");
        try (TopicProducer producer = new TopicProducer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Instant now = Instant.now();
            producer.send(Topics.MERCHANT_USERS, "clerk@seal.example", MerchantUser.newBuilder().setEmail("clerk@seal.example")
                    .setMerchantId(merchantId).setSessionsValidAfter(now).setCreatedAt(now).setUpdatedAt(now)
                    .setTotpSecret(SecretKeyring.load(before).seal(userBinding, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")).build()).get();
        }
        Merchant stored = merchant(kafka, merchantId);
        SecretKeyring oldRing = SecretKeyring.load(before);
        assertThat(stored.getWebhookSecret()).startsWith(SecretKeyring.PREFIX + "old:").doesNotContain(second);
        assertThat(stored.getPreviousWebhookSecret()).startsWith(SecretKeyring.PREFIX + "old:").doesNotContain(first);
        SecretKeyring.Binding firstEndpoint = SecretKeyring.Binding.endpoint(merchantId, merchantId);
        assertThat(oldRing.open(firstEndpoint, stored.getWebhookSecret())).isEqualTo(second);
        assertThat(oldRing.open(firstEndpoint, stored.getPreviousWebhookSecret())).isEqualTo(first);

        try (GatewayServer gateway = start(kafka, after)) {
            HttpResponse<String> resealed = send(gateway, "POST", "/admin/merchants/reseal-secrets", "");
            assertThat(resealed.statusCode()).as(resealed.body()).isEqualTo(200);
            var answer = Json.MAPPER.readTree(resealed.body());
            assertThat(answer.get("key_id").asText()).isEqualTo("new");
            // Every sealed field, counted per kind: the first endpoint's secret and previous secret, the second endpoint's
            // secret, the user's two-step key (other tests' merchants on this broker may add theirs: at least these).
            assertThat(answer.at("/resealed/endpoint_secrets").asInt()).as(resealed.body()).isGreaterThanOrEqualTo(3);
            assertThat(answer.at("/resealed/two_step_keys").asInt()).as(resealed.body()).isGreaterThanOrEqualTo(1);
            assertThat(answer.get("remaining").asInt()).isZero();
            assertThat(answer.get("ok").asBoolean()).isTrue();
            assertThat(answer.get("unreadable_merchants")).isEmpty();
            // Nothing left to reseal: a second run changes nothing.
            var again = Json.MAPPER.readTree(send(gateway, "POST", "/admin/merchants/reseal-secrets", "").body());
            assertThat(again.at("/resealed/endpoint_secrets").asInt()).isZero();
            assertThat(again.at("/resealed/two_step_keys").asInt()).isZero();
        }
        SecretKeyring onlyNew = SecretKeyring.parse(newKey, "new only");
        Merchant resealed = merchant(kafka, merchantId);
        assertThat(onlyNew.open(firstEndpoint, resealed.getWebhookSecret())).isEqualTo(second);
        assertThat(onlyNew.open(firstEndpoint, resealed.getPreviousWebhookSecret())).isEqualTo(first);
        assertThat(resealed.getWebhookEndpoints()).hasSize(1);
        assertThat(onlyNew.open(SecretKeyring.Binding.endpoint(merchantId, thirdKey), resealed.getWebhookEndpoints().get(0).getSecret()))
                .isEqualTo(third);
        assertThat(onlyNew.open(userBinding, user(kafka, "clerk@seal.example").getTotpSecret())).isEqualTo("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
    }

    @Test
    void resealing_without_a_keyring_is_refused_with_its_code() throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        try (GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true)) {
            HttpResponse<String> refused = send(gateway, "POST", "/admin/merchants/reseal-secrets", "");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"no_keyring\"").contains("--secrets-keyring");
        }
    }

    private static GatewayServer start(KafkaCluster kafka, Path keyring) {
        return GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true,
                Map.of("kassa.gateway.secrets-keyring", keyring.toString()));
    }

    private static Merchant merchant(KafkaCluster kafka, long id) {
        Map<Long, Merchant> latest = new HashMap<>();
        EventLogReplay.readToEnd(KafkaAccess.of(kafka.bootstrapServers()), Topics.MERCHANTS.name(), Topics.MERCHANTS.keySerde().deserializer(),
                Topics.MERCHANTS.valueSerde().deserializer(), (Long key, Merchant m) -> latest.put(key, m));
        return latest.get(id);
    }

    private static MerchantUser user(KafkaCluster kafka, String email) {
        Map<String, MerchantUser> latest = new HashMap<>();
        EventLogReplay.readToEnd(KafkaAccess.of(kafka.bootstrapServers()), Topics.MERCHANT_USERS.name(),
                Topics.MERCHANT_USERS.keySerde().deserializer(), Topics.MERCHANT_USERS.valueSerde().deserializer(),
                (String key, MerchantUser u) -> latest.put(key, u));
        return latest.get(email);
    }

    private static HttpResponse<String> send(GatewayServer gateway, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
