package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kassa.schemas.SecretKeyring;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code <data-dir>/dev-credentials.json} (SPEC.md): the admin token, the Kafka address, and a demo merchant
 * (package pro, smart routing) created through the gateway's own operator API on first start and kept after, with a
 * dashboard user whose password is set through the same one-time link an operator would hand out; the sandbox
 * providers' callback secret.
 */
record DevCredentials(String adminToken, String kafkaBootstrap, long merchantId, String apiKey, String webhookSecret, String domain,
                      String gatewayUrl, String dashboardEmail, String dashboardPassword) {

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
    /**
     * {@code <data-dir>/gateway.secret}: the secret the gateway derives its dashboard cookie key and peer token from
     * (docs/SECURITY.md), 256 random bits made on the first start (mode 600) and kept, so that a restart keeps the
     * merchants signed in.
     */
    static String gatewaySecret(Path dataDir) throws IOException {
        Path file = dataDir.resolve("gateway.secret");
        if (!Files.exists(file)) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            Files.writeString(file, "# The secret Kassa's gateways share (docs/SECURITY.md): 256 random bits, hex.\n"
                    + HexFormat.of().formatHex(bytes) + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: permissions are the user's
            }
        }
        return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                .orElseThrow(() -> new UserError(file + " holds no secret: delete it and start again."));
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
                long merchantId = merchant.get("merchant_id").asLong();
                JsonNode dashboard = old.path("dashboard");
                String password = dashboard.hasNonNull("password") ? dashboard.get("password").asText()
                        : dashboardUser(gatewayUrl, adminToken, merchantId); // a data directory from before the dashboard
                DevCredentials kept = new DevCredentials(adminToken, kafkaBootstrap, merchantId,
                        merchant.get("api_key").asText(), merchant.get("webhook_secret").asText(), merchant.get("domain").asText(),
                        gatewayUrl, DEMO_USER, password);
                kept.write(file);
                return kept;
            }
        }
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/admin/merchants"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"demo@" + DEMO_DOMAIN + "\",\"domains\":[\"" + DEMO_DOMAIN
                        + "\"],\"package\":\"pro\",\"checkout_mode\":\"smart_router\",\"country\":\"NL\",\"crypto_enabled\":true,"
                        + "\"payout_wallet\":{\"network\":\"polygon\",\"asset\":\"USDC\",\"address\":\"" + DEMO_WALLET + "\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new UserError("the demo merchant could not be created (HTTP " + created.statusCode() + "); see the log file.");
        }
        JsonNode answer = JSON.readTree(created.body());
        long merchantId = answer.get("merchant_id").asLong();
        DevCredentials credentials = new DevCredentials(adminToken, kafkaBootstrap, merchantId,
                answer.get("api_key").asText(), answer.get("webhook_secret").asText(), DEMO_DOMAIN, gatewayUrl, DEMO_USER,
                dashboardUser(gatewayUrl, adminToken, merchantId));
        credentials.write(file);
        return credentials;
    }

    /** The demo merchant's payout wallet: EIP-55's own example address (nobody's funds; the sandbox pays nothing out). */
    static final String DEMO_WALLET = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    static final String DEMO_USER = "demo@" + DEMO_DOMAIN;

    /**
     * Makes the demo dashboard user as an operator and a merchant would: the operator's one-time link, then the form
     * behind it with a random password. Returns the password.
     */
    static String dashboardUser(String gatewayUrl, String adminToken, long merchantId) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> invited = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/admin/merchants/" + merchantId + "/users"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + DEMO_USER + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (invited.statusCode() != 201) {
            throw new UserError("the demo dashboard user could not be created (HTTP " + invited.statusCode() + "); see the log file.");
        }
        String link = JSON.readTree(invited.body()).get("set_password_url").asText();
        String token = link.substring(link.indexOf("token=") + "token=".length());
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/dashboard/set-password?token=" + token))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        String csrf = form.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("kassa_login_csrf="))
                .map(c -> c.substring("kassa_login_csrf=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new UserError("the set-password page gave no form token (HTTP " + form.statusCode() + ")"));
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = "demo-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String body = "csrf=" + csrf + "&token=" + token + "&password=" + password + "&confirm=" + password;
        HttpResponse<String> set = http.send(HttpRequest.newBuilder(URI.create(gatewayUrl + "/dashboard/set-password"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "kassa_login_csrf=" + csrf).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (set.statusCode() != 303) {
            throw new UserError("the demo dashboard user's password could not be set (HTTP " + set.statusCode() + "); see the log file.");
        }
        return password;
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
        Map<String, Object> dashboard = new LinkedHashMap<>();
        dashboard.put("url", gatewayUrl + "/dashboard");
        dashboard.put("email", dashboardEmail);
        dashboard.put("password", dashboardPassword);
        all.put("dashboard", dashboard);
        // kassa dev runs in development mode: the sandbox provider's callbacks are signed with this secret.
        all.put("providers", Map.of("sandbox", Map.of("callback_secret", "sandbox-secret")));
        Files.writeString(file, JSON.writeValueAsString(all) + "\n");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: permissions are the user's
        }
    }
}
