package dev.kassa.cli;

import dev.kassa.gateway.GatewayServer;
import dev.kassa.gateway.SecretStrength;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.router.OperatorRules;
import dev.kassa.schemas.KafkaAccess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa gateway}: the merchant API, provider callbacks, operator API, /metrics and /health, until stopped. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the HTTP gateway against a cluster. Instances share the session views (each owns some partitions "
                + "and forwards reads of the others to their owner): put as many as needed behind a proxy.")
final class GatewayCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers, HOST:PORT[,HOST:PORT...].")
    String bootstrap;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--public-url", required = true, description = "The URL buyers and merchants reach this gateway at, "
            + "e.g. https://pay.example.com (checkout_url is built from it).")
    String publicUrl;

    @Option(names = "--development", description = "Development mode: the sandbox provider's callback secret is accepted and "
            + "loopback webhook URLs may be registered. Never in production.")
    boolean development;

    @Option(names = "--routing-rules", defaultValue = "", description = "The operator's routing rules, e.g. "
            + "\"off=wert; card=revolut,transak\" (providers switched off; per method, the preferred order), until an operator "
            + "sets rules live (kassa routing set), which then rule every gateway.")
    String routingRules;

    @Option(names = "--admin-port", defaultValue = "0", description = "Serve the operator API (/admin/*) and /metrics on this port "
            + "only, never on --port. Required unless --development (0, the default there: both on --port).")
    int adminPort;

    @Option(names = "--unhealthy-providers", defaultValue = "", description = "Provider slugs that are down now, e.g. moonpay,paypal; "
            + "as --routing-rules, until an operator sets them live (kassa routing set --unhealthy).")
    String unhealthyProviders;

    @Option(names = "--secrets-keyring", paramLabel = "FILE", description = "The keyring that seals webhook secrets on "
            + "kassa.merchants (default: $KASSA_SECRETS_KEYRING). Required unless --development; docs/SECURITY.md.")
    Path secretsKeyring;

    @Option(names = "--shared-secret-file", paramLabel = "FILE", description = "The random secret the gateways of this deployment "
            + "share (its first line; default: $KASSA_GATEWAY_SECRET): the dashboard's cookie key and the token of their "
            + "forwarded view reads are derived from it. Required unless --development; at least 128 random bits "
            + "(openssl rand -hex 32).")
    Path sharedSecretFile;

    @Option(names = "--stripe-secret-key-file", paramLabel = "FILE", description = "Stripe's secret API key (sk_test_… or "
            + "sk_live_…, its first line): outside --development, card payments go through Stripe Checkout (docs/PROVIDERS.md).")
    Path stripeSecretKeyFile;

    @Option(names = "--stripe-webhook-secret-file", paramLabel = "FILE", description = "The signing secret (whsec_…) of the "
            + "Stripe webhook endpoint that sends to /api/providers/stripe/webhook. Required with --stripe-secret-key-file.")
    Path stripeWebhookSecretFile;

    @Option(names = "--stripe-api-base", hidden = true, defaultValue = "https://api.stripe.com",
            description = "Stripe's API base URL (a local fake in tests).")
    String stripeApiBase;

    @Option(names = "--views-state-dir", paramLabel = "DIR", description = "Where this instance keeps its RocksDB session views "
            + "(default: a free slot under var/state/kassa-gateway-views; kept across restarts, so a restart restores little).")
    Path viewsStateDir;

    @Option(names = "--views-host", defaultValue = "localhost", description = "The host name other gateway instances reach this one "
            + "at, on --admin-port (or --port without one), to read the views it owns (default: ${DEFAULT-VALUE}).")
    String viewsHost;

    @Option(names = "--view-retention", defaultValue = "90d", description = "How long a terminal session stays in the views after "
            + "its last change (default: ${DEFAULT-VALUE}); the event log keeps it for good.")
    String viewRetention;

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    /** The shared secret from --shared-secret-file or KASSA_GATEWAY_SECRET, or null for none. */
    private String sharedSecret() {
        if (sharedSecretFile != null) {
            try {
                String line = Files.readAllLines(sharedSecretFile).stream().map(String::trim)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElse("");
                if (line.isEmpty()) {
                    throw new UserError("--shared-secret-file " + sharedSecretFile + " holds no secret (its first line that is not a comment).");
                }
                return line;
            } catch (IOException e) {
                throw new UserError("--shared-secret-file " + sharedSecretFile + " cannot be read (" + e.getMessage() + ").");
            }
        }
        String env = System.getenv("KASSA_GATEWAY_SECRET");
        return env == null || env.isBlank() ? null : env.trim();
    }

    @Override
    public Integer call() throws Exception {
        String adminToken = System.getenv("KASSA_ADMIN_TOKEN");
        if (adminToken == null || adminToken.isEmpty()) {
            throw new UserError("set KASSA_ADMIN_TOKEN in the environment (openssl rand -hex 32): the operator API's bearer token "
                    + "is not taken on the command line, where other users could read it.");
        }
        String weak = SecretStrength.problem("KASSA_ADMIN_TOKEN", adminToken);
        if (weak != null) {
            throw new UserError(weak + ": it opens every merchant's account.");
        }
        String sharedSecret = sharedSecret();
        if (sharedSecret == null && !development) {
            throw new UserError("pass --shared-secret-file FILE (or set KASSA_GATEWAY_SECRET): every gateway of the deployment needs the "
                    + "same random secret (openssl rand -hex 32 > FILE); the dashboard's cookies and the gateways' view reads depend on it.");
        }
        if (sharedSecret != null && (weak = SecretStrength.problem("the gateways' shared secret", sharedSecret)) != null) {
            throw new UserError(weak + ".");
        }
        if (port < 1 || port > 65535) {
            throw new UserError("--port must be from 1 to 65535, not " + port + ".");
        }
        if (adminPort < 0 || adminPort > 65535 || adminPort == port) {
            throw new UserError("--admin-port must be from 1 to 65535 and not --port (0: no separate port), not " + adminPort + ".");
        }
        if (adminPort == 0 && !development) {
            throw new UserError("pass --admin-port N: outside development the operator API, /metrics and the views' peer reads "
                    + "answer on a port of their own, never on the public --port (docs/SECURITY.md).");
        }
        KafkaAccess access = kafka.access(bootstrap);
        Path keyring = KafkaClientOptions.keyringPath(secretsKeyring);
        if (keyring == null && !development) {
            throw new UserError("pass --secrets-keyring FILE (or set KASSA_SECRETS_KEYRING): webhook secrets are sealed on "
                    + "kassa.merchants with it; make one with `echo \"k1=$(openssl rand -base64 32)\" > keyring` (docs/SECURITY.md).");
        }
        if (keyring != null) {
            KafkaClientOptions.keyring(keyring); // refused here, with the line to change, rather than in the server's start
        }
        // Its own log file: two gateways on one machine have two ports.
        InstanceSlot.useLogFile("kassa-gateway-" + port);
        try {
            OperatorRules.parse(routingRules);
        } catch (IllegalArgumentException e) {
            throw new UserError("--routing-rules: " + e.getMessage() + ".");
        }
        if (!viewRetention.matches("[1-9][0-9]*(ms|s|m|h|d)")) {
            throw new UserError("--view-retention must be a number and a unit (ms, s, m, h, d), e.g. 90d, not '" + viewRetention + "'.");
        }
        Map<String, Object> stripe = new HashMap<>();
        if (stripeSecretKeyFile != null) {
            if (development) {
                throw new UserError("--stripe-secret-key-file is for live mode: --development pays through the sandbox.");
            }
            if (stripeWebhookSecretFile == null || !Files.isReadable(stripeWebhookSecretFile) || !Files.isReadable(stripeSecretKeyFile)) {
                throw new UserError("pass readable --stripe-secret-key-file and --stripe-webhook-secret-file files (docs/PROVIDERS.md).");
            }
            stripe.put("kassa.gateway.stripe.secret-key-file", stripeSecretKeyFile.toAbsolutePath().toString());
            stripe.put("kassa.gateway.stripe.webhook-secret-file", stripeWebhookSecretFile.toAbsolutePath().toString());
            stripe.put("kassa.gateway.stripe.api-base", stripeApiBase.replaceAll("/+$", ""));
        }
        InstanceSlot slot = viewsStateDir == null ? InstanceSlot.claim(Path.of("var", "state"), "kassa-gateway-views")
                : InstanceSlot.hold(viewsStateDir, "kassa-gateway-views");
        PrintWriter out = spec.commandLine().getOut();
        GatewayServer gateway;
        try {
            KassaMetrics.bindJvm("gateway");
            Map<String, Object> properties = new HashMap<>(stripe);
            properties.putAll(Map.of("kassa.gateway.routing-rules", routingRules, "kassa.gateway.unhealthy-providers", unhealthyProviders,
                            "kassa.gateway.admin-port", adminPort,
                            "kassa.gateway.views-state-dir", slot.dir().toAbsolutePath().toString(),
                            "kassa.gateway.views-host", viewsHost, "kassa.gateway.view-retention", viewRetention,
                            "kassa.gateway.kafka-config", kafka.file() == null ? "" : kafka.file().toAbsolutePath().toString(),
                            "kassa.gateway.secrets-keyring", keyring == null ? "" : keyring.toAbsolutePath().toString(),
                            "kassa.gateway.shared-secret", sharedSecret == null ? "" : sharedSecret));
            gateway = GatewayServer.start(bootstrap, port, adminToken, publicUrl.replaceAll("/+$", ""), development, properties);
        } catch (RuntimeException e) {
            throw new UserError("the gateway did not start on port " + port + " (" + rootMessage(e) + ").");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            try {
                slot.close();
            } catch (IOException e) {
                // exiting: the lock goes with the process
            }
            stopped.countDown();
        }, "kassa-gateway-shutdown"));
        out.println("kassa gateway: " + gateway.url() + " on " + access.describe() + (development ? ", DEVELOPMENT mode" : "")
                + (adminPort > 0 ? "; operator API and /metrics on port " + adminPort + " only" : "") + "; Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
