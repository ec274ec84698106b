package dev.kassa.cli;

import dev.kassa.schemas.SecretKeyring;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data-dir>/dev-credentials.json} (SPEC.md): the admin token, the Kafka address, and a demo merchant
 * (package pro, smart routing) created through the gateway's own operator API on first start and kept after.
 */
record DevCredentials(String adminToken, String kafkaBootstrap, long merchantId, String apiKey, String webhookSecret, String domain) {

    static final String FILE = "dev-credentials.json";
    static final String KEYRING = "secrets.keyring";

    /**
     * {@code <data-dir>/secrets.keyring}: the keyring that seals webhook secrets on kassa.merchants, made with one
     * random key on the first start (mode 600) and kept: the sealed secrets of this data directory need it.
     */
    static Path keyring(Path dataDir) throws IOException {
        Path file = dataDir.resolve(KEYRING);
        if (!Files.exists(file)) {
            Files.writeString(file, "# Kassa's secrets keyring (docs/SECURITY.md): <key id>=<base64 of 32 random bytes>; the first key seals.\n"
                    + SecretKeyring.newKeyLine("dev-1") + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: permissions are the user's
            }
        }
        return file;
    }
    static final String DEMO_DOMAIN = "demo-shop.example";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The admin token of an earlier start, or a new random one. */
    static String adminToken(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            JsonNode old = JSON.readTree(file.toFile());
            if (old.hasNonNull("admin_token")) {
                return old.get("admin_token").asText();
            }
        }
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return "kassa_admin_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Reuses the demo merchant of an earlier start, or creates one through the gateway and writes the file. */
    static DevCredentials ensure(Path dataDir, String adminToken, String kafkaBootstrap, String gatewayUrl) throws IOException, InterruptedException {
        Path file = dataDir.resolve(FILE);
        if (Files.exists(file)) {
            JsonNode old = JSON.readTree(file.toFile());
            JsonNode merchant = old.get("merchant");
            if (merchant != null && merchant.hasNonNull("api_key")) {
                DevCredentials kept = new DevCredentials(adminToken, kafkaBootstrap, merchant.get("merchant_id").asLong(),
                        merchant.get("api_key").asText(), merchant.get("webhook_secret").asText(), merchant.get("domain").asText());
                kept.write(file);
                return kept;
            }
        }
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/admin/merchants"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"demo@" + DEMO_DOMAIN + "\",\"domains\":[\"" + DEMO_DOMAIN
                        + "\"],\"package\":\"pro\",\"checkout_mode\":\"smart_router\",\"country\":\"NL\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new UserError("the demo merchant could not be created (HTTP " + created.statusCode() + "); see the log file.");
        }
        JsonNode answer = JSON.readTree(created.body());
        DevCredentials credentials = new DevCredentials(adminToken, kafkaBootstrap, answer.get("merchant_id").asLong(),
                answer.get("api_key").asText(), answer.get("webhook_secret").asText(), DEMO_DOMAIN);
        credentials.write(file);
        return credentials;
    }

    private void write(Path file) throws IOException {
        Map<String, Object> merchant = new LinkedHashMap<>();
        merchant.put("merchant_id", merchantId);
        merchant.put("api_key", apiKey);
        merchant.put("webhook_secret", webhookSecret);
        merchant.put("domain", domain);
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("admin_token", adminToken);
        all.put("kafka_bootstrap", kafkaBootstrap);
        all.put("merchant", merchant);
        Files.writeString(file, JSON.writeValueAsString(all) + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: permissions are the user's
        }
    }
}
