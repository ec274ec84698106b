package dev.kassa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kassa merchant create|update|list}: the operator API from the shell. */
@Command(name = "merchant", mixinStandardHelpOptions = true, description = "Create, change or list merchants.",
        subcommands = {MerchantCommand.Create.class, MerchantCommand.Update.class, MerchantCommand.RotateKey.class,
                MerchantCommand.ListMerchants.class, MerchantCommand.AddUser.class, MerchantCommand.RemoveUser.class, EndpointsCommand.class})
final class MerchantCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: create, update, rotate-key, list, add-user, remove-user or endpoints");
    }

    /** Where the operator API is and the token for it (default: the dev environment's credentials file). */
    static class Operator {
        @Option(names = "--gateway", defaultValue = "http://localhost:8080", description = "The gateway's base URL (default: ${DEFAULT-VALUE}).")
        String gateway;

        @Option(names = "--admin-token", description = "The operator token (default: $KASSA_ADMIN_TOKEN, else var/dev/dev-credentials.json).")
        String adminToken;

        String token() throws IOException {
            if (adminToken != null) {
                return adminToken;
            }
            String env = System.getenv("KASSA_ADMIN_TOKEN");
            if (env != null && !env.isBlank()) {
                return env;
            }
            Path dev = Path.of("var/dev", DevCredentials.FILE);
            if (Files.exists(dev)) {
                return new ObjectMapper().readTree(dev.toFile()).get("admin_token").asText();
            }
            throw new UserError("no admin token: pass --admin-token, set KASSA_ADMIN_TOKEN, or run kassa dev first.");
        }

        String send(String method, String path, String body) throws Exception {
            HttpResponse<String> response;
            try {
                response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway + path))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token())
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new UserError("the gateway at " + gateway + " does not answer; start kassa dev or pass --gateway.");
            }
            if (response.statusCode() >= 300) {
                throw new UserError("the gateway answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a merchant; prints its API key and webhook secret once.")
    static final class Create implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Operator operator = new Operator();

        @Option(names = "--email", required = true)
        String email;

        @Option(names = "--domain", required = true, description = "An approved shop domain; repeat for several.")
        List<String> domains;

        @Option(names = "--package", defaultValue = "free", description = "free, pro or unlimited (default: ${DEFAULT-VALUE}).")
        String pack;

        @Option(names = "--checkout-mode", defaultValue = "hosted_checkout", description = "hosted_checkout or smart_router.")
        String mode;

        @Option(names = "--country")
        String country;

        @Option(names = "--webhook-url")
        String webhookUrl;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = new ObjectMapper().createObjectNode().put("email", email).put("package", pack).put("checkout_mode", mode);
            ArrayNode list = body.putArray("domains");
            domains.forEach(list::add);
            if (country != null) {
                body.put("country", country);
            }
            if (webhookUrl != null) {
                body.put("webhook_url", webhookUrl);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(operator.send("POST", "/admin/merchants", body.toString()));
            out.println("kassa merchant: keep the api_key and webhook_secret now; they are not shown again.");
            out.flush();
            return 0;
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a merchant.")
    static final class Update implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Operator operator = new Operator();

        @Parameters(index = "0", description = "The merchant id.")
        long merchantId;

        @Option(names = "--webhook-url", description = "New webhook URL (\"\" removes it).")
        String webhookUrl;

        @Option(names = "--rotate-secret", description = "Issue a new webhook secret (the old one keeps signing for 24 h).")
        boolean rotate;

        @Option(names = "--enable-webhooks", description = "Re-enable an endpoint that answered 410 Gone.")
        boolean enableWebhooks;

        @Option(names = "--disable", description = "Disable the merchant.")
        Boolean disable;

        @Option(names = "--package")
        String pack;

        @Option(names = "--checkout-mode")
        String mode;

        @Option(names = "--ttl", description = "Session TTL in seconds (1 to 86400).")
        Integer ttl;

        @Option(names = "--grace", description = "Grace window in seconds.")
        Integer grace;

        @Option(names = "--rate-limit", description = "Requests a second per gateway for this merchant's key (1 to 10000; 0 for the default).")
        Integer rateLimit;

        @Option(names = "--retry-schedule", paramLabel = "DELAYS", description = "This merchant's webhook retry schedule, e.g. "
                + "5s,30s,2m,10m (\"default\" for the relay's).")
        String retrySchedule;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = new ObjectMapper().createObjectNode();
            if (webhookUrl != null) {
                if (webhookUrl.isEmpty()) {
                    body.putNull("webhook_url");
                } else {
                    body.put("webhook_url", webhookUrl);
                }
            }
            if (rotate) {
                body.put("rotate_webhook_secret", true);
            }
            if (enableWebhooks) {
                body.put("webhook_enabled", true);
            }
            if (disable != null) {
                body.put("disabled", disable);
            }
            if (pack != null) {
                body.put("package", pack);
            }
            if (mode != null) {
                body.put("checkout_mode", mode);
            }
            if (ttl != null) {
                body.put("session_ttl_seconds", ttl);
            }
            if (grace != null) {
                body.put("grace_seconds", grace);
            }
            if (retrySchedule != null) {
                if (retrySchedule.equals("default")) {
                    body.putNull("webhook_retry_schedule");
                } else {
                    body.put("webhook_retry_schedule", retrySchedule);
                }
            }
            if (rateLimit != null) {
                if (rateLimit == 0) {
                    body.putNull("rate_limit_per_second");
                } else {
                    body.put("rate_limit_per_second", rateLimit);
                }
            }
            if (body.isEmpty()) {
                throw new UserError("nothing to change; name at least one option (see --help).");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println(operator.send("PATCH", "/admin/merchants/" + merchantId, body.toString()));
            out.flush();
            return 0;
        }
    }

    @Command(name = "add-user", mixinStandardHelpOptions = true,
            description = "Give a person a sign-in to a merchant's dashboard: prints the one-time link that sets their password "
                    + "(valid 72 hours). For an existing user of the merchant, a new link (a forgotten password).")
    static final class AddUser implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Operator operator = new Operator();

        @Parameters(index = "0", description = "The merchant id.")
        long merchantId;

        @Parameters(index = "1", description = "The person's e-mail.")
        String email;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            var body = new ObjectMapper().createObjectNode().put("email", email);
            var json = new ObjectMapper().readTree(operator.send("POST", "/admin/merchants/" + merchantId + "/users", body.toString()));
            PrintWriter out = spec.commandLine().getOut();
            out.println("dashboard user " + json.get("email").asText() + " for merchant " + json.get("merchant_id").asLong());
            out.println("set-password link (send it to them; valid once, until " + json.get("expires_at").asText() + "):");
            out.println("  " + json.get("set_password_url").asText());
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove-user", mixinStandardHelpOptions = true,
            description = "Take a person's sign-in to a merchant's dashboard away: their sessions end at once, their password and "
                    + "set-password link stop working.")
    static final class RemoveUser implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Operator operator = new Operator();

        @Parameters(index = "0", description = "The merchant id.")
        long merchantId;

        @Parameters(index = "1", description = "The person's e-mail.")
        String email;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String path = "/admin/merchants/" + merchantId + "/users/"
                    + URLEncoder.encode(email, StandardCharsets.UTF_8).replace("+", "%20");
            var json = new ObjectMapper().readTree(operator.send("DELETE", path, ""));
            PrintWriter out = spec.commandLine().getOut();
            out.println("dashboard user " + json.get("email").asText() + " removed from merchant " + json.get("merchant_id").asLong()
                    + "; their sessions are ended");
            out.flush();
            return 0;
        }
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = "Issue a new API key for a merchant (printed once); the previous key keeps working for --previous-expires-in "
                    + "seconds (default 86400; 0 revokes it at once).")
    static final class RotateKey implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Operator operator = new Operator();

        @Parameters(index = "0", description = "The merchant id.")
        long merchantId;

        @Option(names = "--previous-expires-in", defaultValue = "86400", description = "Seconds the previous key keeps working (default: ${DEFAULT-VALUE}).")
        long previousExpiresIn;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String answer = operator.send("POST", "/admin/merchants/" + merchantId + "/api-keys",
                    "{\"previous_key_expires_in_seconds\": " + previousExpiresIn + "}");
            var json = new ObjectMapper().readTree(answer);
            PrintWriter out = spec.commandLine().getOut();
            out.println("api key  " + json.get("api_key").asText() + "   (shown once: store it now)");
            out.println(json.get("previous_key_expires_at").isNull() ? "previous key revoked"
                    : "previous key works until " + json.get("previous_key_expires_at").asText());
            out.flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List merchants from the merchants topic (no keys or secrets).")
    static final class ListMerchants implements Callable<Integer> {
        @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers.")
        String bootstrap;

        @Mixin
        KafkaClientOptions kafka;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<Long, Merchant> merchants = new TreeMap<>();
            EventLogReplay.readToEnd(kafka.access(bootstrap), Topics.MERCHANTS.name(), Topics.MERCHANTS.keySerde().deserializer(),
                    Topics.MERCHANTS.valueSerde().deserializer(), (Long id, Merchant m) -> {
                        if (m == null) {
                            merchants.remove(id);
                        } else {
                            merchants.put(id, m);
                        }
                    });
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-17s %-28s %-9s %-15s %-8s %s%n", "merchant_id", "email", "package", "checkout_mode", "state", "domains / webhook");
            for (Merchant m : merchants.values()) {
                out.printf("%-17d %-28s %-9s %-15s %-8s %s  %s%n", m.getMerchantId(), m.getEmail(),
                        m.getPackage$().name().toLowerCase(), m.getCheckoutMode().name().toLowerCase(), m.getDisabled() ? "disabled" : "active",
                        String.join(",", m.getDomains()), m.getWebhookUrl() == null ? "(no webhook)"
                                : m.getWebhookUrl() + (m.getWebhookDisabledReason() == null ? "" : " [" + m.getWebhookDisabledReason() + "]"));
            }
            out.flush();
            return 0;
        }
    }
}
