package dev.kassa.gateway.sandbox;

import dev.kassa.gateway.kafka.CommandBus;
import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.gateway.payments.PaymentConnector;
import dev.kassa.gateway.payments.PayoutWallets;
import dev.kassa.gateway.payments.ProviderSecrets;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.Money;
import dev.kassa.router.Catalogue;
import dev.kassa.router.Layer;
import dev.kassa.router.RouteDecision;
import dev.kassa.router.Router;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.Payer;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox payment providers, behaving like real ones: a payment attempt starts (a command, answered by the
 * aggregate), then the provider reports asynchronously with signed callbacks to {@code /api/webhook.php}, exactly
 * what a real provider's server would send, with its own secret ({@code sandbox-<slug>-secret}). Switches make it
 * misbehave the way real providers do: a delay, N duplicate callbacks, out-of-order delivery (the final status
 * first, a stale "processing" after it). A {@code provider_error} decline is retried on the router's next
 * candidate, once per candidate, and each hop is recorded as a routing decision. Sandbox (development) mode only.
 */
@Singleton
@Requires(property = "kassa.gateway.development", value = "true")
public final class SandboxPayments implements PaymentConnector {

    /** What the sandbox provider will report. */
    public enum Outcome { PAID, FAILED, REVIEW, REQUIRES_ACTION, PROVIDER_ERROR }

    /** How it misbehaves. */
    public record Options(int duplicates, long delayMs, boolean outOfOrder) {
        static final Options NONE = new Options(0, 0, false);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SandboxPayments.class);
    private final CommandBus commandBus;
    private final SessionReads sessionReads;
    private final Routing routing;
    private final Provider<EmbeddedServer> server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "kassa-sandbox-provider");
        t.setDaemon(true);
        return t;
    });

    private final SessionCommands commands;

    /** The public listener's port when the gateway has an admin port too (0: one listener, the server's). */
    private final int publicPort;

    public SandboxPayments(CommandBus commandBus, SessionReads sessionReads, Routing routing,
                           Provider<EmbeddedServer> server, SessionCommands commands,
                           @Value("${micronaut.server.netty.listeners.public.port:0}") int publicPort) {
        this.publicPort = publicPort;
        this.commands = commands;
        this.commandBus = commandBus;
        this.sessionReads = sessionReads;
        this.routing = routing;
        this.server = server;
    }

    /**
     * Starts an attempt at {@code provider} and schedules the provider's callbacks. {@code route} is the decision
     * that chose the provider (for fallback); {@code failureCode} the decline's code for {@link Outcome#FAILED}.
     */
    public Started pay(SessionState session, Merchant merchant, String method, String provider, Outcome outcome, String failureCode,
                Map<String, String> references, Options options, RouteDecision route, Payer payer) throws InterruptedException {
        return attempt(session, merchant, method, provider, outcome, failureCode, references, options, route, new HashSet<>(), payer);
    }

    private Started attempt(SessionState session, Merchant merchant, String method, String provider, Outcome outcome,
                            String failureCode, Map<String, String> references, Options options, RouteDecision route,
                            Set<String> tried, Payer payer) throws InterruptedException {
        String attemptId = "att-" + UUID.randomUUID().toString().substring(0, 13);
        CommandResult result;
        try {
            result = commandBus.send(commands.of("attempt-" + attemptId, session.getSessionId(), session.getMerchantId(), "hosted-page",
                    new StartPaymentAttempt(attemptId, method, provider, "pay-" + attemptId, payer)), Duration.ofSeconds(10));
        } catch (TimeoutException e) {
            return new Started(null, provider, "unavailable", "the payment could not be started in time; try again");
        }
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            return new Started(null, provider, result.getErrorCode() == null ? "invalid_transition" : result.getErrorCode(),
                    result.getMessage() == null ? "this checkout cannot take a payment now" : result.getMessage());
        }
        tried.add(provider);
        Map<String, String> refs = Catalogue.bySlug(Catalogue.DEFAULT, provider).map(p -> p.layer() == Layer.EPV3).orElse(false)
                ? cryptoReferences(session, merchant, attemptId, references) : references;
        List<Map<String, Object>> callbacks = new ArrayList<>();
        switch (outcome) {
            case PAID -> callbacks.add(callback(session, attemptId, "completed", null, null, refs));
            case FAILED -> callbacks.add(callback(session, attemptId, "declined", failureCode == null ? "card_declined" : failureCode, null, refs));
            case REVIEW -> callbacks.add(callback(session, attemptId, "under_review", null, null, refs));
            case REQUIRES_ACTION -> callbacks.add(callback(session, attemptId, "requires_action", null, "3ds_challenge", refs));
            case PROVIDER_ERROR -> callbacks.add(callback(session, attemptId, "failed", "provider_error", null, refs));
        }
        List<Map<String, Object>> sequence = new ArrayList<>(callbacks);
        if (options.outOfOrder()) {
            // The final word first, then a stale "processing" that was sent earlier but arrives later.
            sequence.add(callback(session, attemptId, "processing", null, null, refs));
        }
        for (int i = 0; i < options.duplicates(); i++) {
            sequence.add(callbacks.get(0));
        }
        timer.schedule(() -> deliver(provider, sequence, () -> {
            if (outcome == Outcome.PROVIDER_ERROR && route != null) {
                fallback(session, merchant, method, references, options, route, tried);
            }
        }), Math.max(0, options.delayMs()), TimeUnit.MILLISECONDS);
        return new Started(attemptId, provider, null, null);
    }

    /**
     * The hosted page's forms: a card number decides the sandbox's outcome by its test card (TestCards), an
     * approve/decline step by the buyer's choice.
     */
    @Override
    public Started startAttempt(AttemptRequest request) throws InterruptedException {
        Map<String, String> input = request.buyerInput();
        Outcome outcome;
        String failureCode;
        Map<String, String> references = Map.of();
        if (input.containsKey("number")) {
            String number = input.get("number");
            TestCards.Behaviour behaviour = TestCards.behaviourOf(number);
            outcome = behaviour.outcome();
            failureCode = behaviour.failureCode();
            references = Map.of("card_last4", TestCards.last4(number));
        } else {
            boolean approved = "approve".equals(input.get("decision"));
            outcome = approved ? Outcome.PAID : Outcome.FAILED;
            failureCode = approved ? null : "declined_by_buyer";
        }
        return pay(request.session(), request.merchant(), request.method(), request.provider(), outcome, failureCode, references,
                Options.NONE, request.route(), request.payer());
    }

    /**
     * The sandbox answers at once with its refund id (the same id for the same refund, as a real provider's
     * idempotency key gives); a provider that is down (listed in {@code kassa.gateway.unhealthy-providers}) refuses.
     */
    @Override
    public RefundAnswer refund(SessionState session, String refundId, long amountMinor) {
        String provider = session.getProvider();
        if (provider == null || routing.unhealthy().contains(provider)) {
            return new RefundAnswer(false, null, "the provider " + provider + " is not taking refunds now");
        }
        LOG.info("sandbox provider {}: refund {} of {} {} for payment {}", provider, refundId, amountMinor, session.getCurrency(),
                session.getProviderPaymentId());
        return new RefundAnswer(true, "rf-" + provider + "-" + Secrets.sha256(refundId).substring(0, 13), null);
    }

    /**
     * What a crypto provider reports for a paid session (seed 003): the coin and the value in it (the sandbox's
     * stablecoin at par with the session's currency), the incoming and payout transaction hashes, and the deposit
     * address the buyer paid to — made up, but shaped as Polygon's (32-byte hashes, EIP-55 addresses).
     */
    static Map<String, String> cryptoReferences(SessionState session, Merchant merchant, String attemptId, Map<String, String> given) {
        Map<String, String> refs = new LinkedHashMap<>(given);
        String coin = merchant != null && merchant.getPayoutWallet() != null ? merchant.getPayoutWallet().getAsset() : "USDC";
        String txIn = "0x" + Secrets.sha256("txid_in\n" + attemptId);
        refs.putIfAbsent("paid_coin", coin);
        refs.putIfAbsent("paid_value_coin", Money.toDecimal(session.getAmountMinor(), session.getCurrency()));
        refs.putIfAbsent("txid", txIn);
        refs.putIfAbsent("txid_in", txIn);
        refs.putIfAbsent("txid_out", "0x" + Secrets.sha256("txid_out\n" + attemptId));
        refs.putIfAbsent("polygon_address_in", PayoutWallets.checksummed(
                "0x" + Secrets.sha256("deposit\n" + attemptId).substring(0, 40)));
        return Map.copyOf(refs);
    }

    /** {@code sandbox} (for scripts and tests) and every sandbox connector of the router's catalogue. */
    @Override
    public String callbackSecret(String provider) {
        if ("sandbox".equals(provider)) {
            return ProviderSecrets.SANDBOX_SECRET;
        }
        return Catalogue.DEFAULT.stream().anyMatch(p -> p.slug().equals(provider)) ? sandboxSecretOf(provider) : null;
    }

    public static String sandboxSecretOf(String slug) {
        return "sandbox-" + slug + "-secret";
    }

    /** The buyer passed (or failed) the 3-D Secure challenge of {@code attemptId}. */
    public void completeChallenge(SessionState session, String provider, String attemptId, boolean passed) {
        Map<String, Object> body = callback(session, attemptId, passed ? "completed" : "declined",
                passed ? null : "authentication_failed", null, Map.of());
        timer.execute(() -> deliver(provider, List.of(body), () -> { }));
    }

    private void fallback(SessionState session, Merchant merchant, String method, Map<String, String> references, Options options,
                          RouteDecision route, Set<String> tried) {
        String failed = String.join(", ", tried);
        var next = Router.fallback(route, tried, "provider_error");
        try {
            SessionState now = sessionReads.session(session.getSessionId(), session.getSequence() + 2, Duration.ofSeconds(10));
            if (next.isEmpty() || now == null) {
                routing.record(merchant, session.getSessionId(), method, session.getAmountMinor(), session.getCurrency(), null, route,
                        "fallback after provider_error from " + failed + ": no candidate left");
                return;
            }
            RouteDecision hop = new RouteDecision(route.method(), route.providerHint(), route.candidates(), next.get(),
                    "fallback after provider_error from " + failed + ": next candidate " + next.get(), route.rulesVersion());
            routing.record(merchant, session.getSessionId(), method, session.getAmountMinor(), session.getCurrency(), null, hop, hop.reason());
            // The sandbox's provider_error card fails only at the first provider tried.
            attempt(now, merchant, method, next.get(), Outcome.PAID, null, references, options, route, tried, now.getPayer());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Map<String, Object> callback(SessionState session, String attemptId, String status, String failureCode, String nextAction,
                                         Map<String, String> references) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", "sbx-" + attemptId + "-" + status);
        body.put("session_id", session.getSessionId());
        body.put("attempt_id", attemptId);
        body.put("payment_id", "pay-" + attemptId);
        body.put("status", status);
        body.put("amount_minor", session.getAmountMinor());
        body.put("currency", session.getCurrency());
        body.put("references", references);
        if (failureCode != null) {
            body.put("failure_code", failureCode);
            body.put("failure_message", switch (failureCode) {
                case "insufficient_funds" -> "insufficient funds";
                case "provider_error" -> "the provider could not process the payment";
                case "authentication_failed" -> "3-D Secure authentication failed";
                default -> "the card was declined";
            });
        }
        if (nextAction != null) {
            body.put("next_action", nextAction);
        }
        return body;
    }

    /** Sends each callback in order, signed as the provider signs, then runs {@code after}. */
    private void deliver(String provider, List<Map<String, Object>> callbacks, Runnable after) {
        // Never the admin port: it answers only the operator's routes (docker-compose's gateways have one).
        int port = publicPort > 0 ? publicPort : server.get().getPort();
        String url = "http://127.0.0.1:" + port + "/api/webhook.php";
        String secret = sandboxSecretOf(provider);
        try {
            for (Map<String, Object> callback : callbacks) {
                byte[] body = Json.MAPPER.writeValueAsBytes(callback);
                long t = commands.now().getEpochSecond();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json").header("X-Provider", provider)
                        .header("X-Provider-Signature", "t=" + t + ",v1=" + ProviderSecrets.sign(body, t, secret))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    LOG.warn("sandbox provider {}: callback {} answered {}", provider, callback.get("event_id"), answer.statusCode());
                }
            }
            after.run();
        } catch (Exception e) {
            LOG.warn("sandbox provider {}: callbacks not delivered: {}", provider, e.toString());
        }
    }

    @PreDestroy
    public void close() {
        timer.shutdownNow();
    }
}
