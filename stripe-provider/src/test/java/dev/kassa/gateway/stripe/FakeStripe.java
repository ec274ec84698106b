package dev.kassa.gateway.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.Stripe;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A local stand-in for the parts of Stripe's API the connector uses (tests run without the internet): Checkout
 * Sessions (create with an Idempotency-Key, retrieve, expire), Refunds, a "hosted checkout" page, and events sent to
 * Kassa signed as Stripe signs them ({@code Stripe-Signature: t=<seconds>,v1=<HMAC-SHA256 of "t.payload">}). Answers
 * are shaped as Stripe's API reference documents the objects, so the SDK parses every one.
 */
public final class FakeStripe implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String webhookSecret;
    private final Map<String, ObjectNode> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> byIdempotencyKey = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> refunds = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    /** Every request the connector made: method, path and Idempotency-Key. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String webhookUrl;
    private volatile String refuseNextRefund;
    /** Stripe's hosted checkout page for buyers, over HTTPS (browsers' form-action policies allow https only); null: none. */
    private volatile HttpsServer page;

    public FakeStripe(String webhookSecret) throws IOException {
        this.webhookSecret = webhookSecret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Serves Checkout Sessions' pages to buyers over HTTPS with a self-signed certificate made by {@code keytool} in
     * {@code dir} (a browser test tells its browser to accept it): {@code GET /c/pay/{id}} shows the amount and a Pay
     * button whose {@code POST} completes the session, sends its signed event to Kassa, and answers 303 to the
     * session's success URL, as Stripe's page does.
     */
    public void serveCheckoutPages(Path dir) throws Exception {
        Path store = dir.resolve("fake-stripe.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "fakestripe", "-keypass", "fakestripe",
                "-alias", "fake", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-validity", "2")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "fakestripe".toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "fakestripe".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.createContext("/c/pay/", this::checkoutPage);
        https.start();
        page = https;
    }

    private String pageBase() {
        HttpsServer https = page;
        return https == null ? url() : "https://127.0.0.1:" + https.getAddress().getPort();
    }

    private void checkoutPage(HttpExchange exchange) throws IOException {
        try (exchange) {
            String id = last(exchange.getRequestURI().getPath());
            ObjectNode s = sessions.get(id);
            if (s == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (exchange.getRequestMethod().equals("POST")) {
                try {
                    send(complete(id, null, null));
                } catch (Exception e) {
                    throw new IOException("the fake could not send its event: " + e.getMessage(), e);
                }
                exchange.getResponseHeaders().set("Location", s.get("success_url").asText());
                exchange.sendResponseHeaders(303, -1);
                return;
            }
            String amount = new java.math.BigDecimal(s.get("amount_total").asLong()).movePointLeft(
                    StripeAmounts.stripeDigits(s.get("currency").asText())).toPlainString();
            byte[] html = ("<!doctype html><html lang=\"en\"><head><title>Fake Stripe Checkout</title></head><body><main>"
                    + "<h1>Fake Stripe Checkout</h1><p id=\"stripe-amount\">" + amount + " " + s.get("currency").asText().toUpperCase()
                    + "</p><form method=\"post\"><button type=\"submit\">Pay at Stripe</button></form></main></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, html.length);
            exchange.getResponseBody().write(html);
        }
    }

    /** Where events go: Kassa's {@code /api/providers/stripe/webhook}. */
    public void sendEventsTo(String url) {
        this.webhookUrl = url;
    }

    /** The next refund is refused with this message (Stripe's 400 invalid_request_error). */
    public void refuseNextRefund(String message) {
        this.refuseNextRefund = message;
    }

    public ObjectNode session(String id) {
        return sessions.get(id);
    }

    /** The Checkout Session whose URL the buyer was sent to (its id is the URL's last segment). */
    public ObjectNode sessionAt(String checkoutUrl) {
        return sessions.get(checkoutUrl.substring(checkoutUrl.lastIndexOf('/') + 1));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            requests.add(method + " " + path + (key == null ? "" : " " + key));
            Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if (method.equals("POST") && path.equals("/v1/checkout/sessions")) {
                answer(exchange, 200, createSession(form, key));
            } else if (method.equals("GET") && path.startsWith("/v1/checkout/sessions/") && sessions.containsKey(last(path))) {
                answer(exchange, 200, sessions.get(last(path)));
            } else if (method.equals("POST") && path.endsWith("/expire") && sessions.containsKey(path.split("/")[4])) {
                ObjectNode s = sessions.get(path.split("/")[4]);
                s.put("status", "expired");
                answer(exchange, 200, s);
            } else if (method.equals("POST") && path.equals("/v1/refunds")) {
                refund(exchange, form, key);
            } else {
                ObjectNode error = JSON.createObjectNode();
                error.putObject("error").put("type", "invalid_request_error").put("message", "Unrecognized request URL (" + method + ": " + path + ")");
                answer(exchange, 404, error);
            }
        }
    }

    private ObjectNode createSession(Map<String, String> form, String idempotencyKey) {
        if (idempotencyKey != null && byIdempotencyKey.containsKey(idempotencyKey)) {
            return sessions.get(byIdempotencyKey.get(idempotencyKey));
        }
        String id = "cs_test_" + ids.incrementAndGet() + "a1B2c3";
        long amount = Long.parseLong(form.get("line_items[0][price_data][unit_amount]"));
        ObjectNode s = JSON.createObjectNode().put("id", id).put("object", "checkout.session").put("amount_subtotal", amount)
                .put("amount_total", amount).put("cancel_url", form.get("cancel_url"))
                .put("client_reference_id", form.get("client_reference_id")).put("created", Instant.now().getEpochSecond())
                .put("currency", form.get("line_items[0][price_data][currency]"))
                .put("expires_at", Long.parseLong(form.get("expires_at"))).put("livemode", false).put("mode", form.get("mode"))
                .put("payment_status", "unpaid").put("status", "open").put("success_url", form.get("success_url"))
                .put("url", pageBase() + "/c/pay/" + id);
        s.putNull("payment_intent");
        s.putArray("payment_method_types").add("card");
        ObjectNode metadata = s.putObject("metadata");
        form.forEach((k, v) -> {
            if (k.startsWith("metadata[")) {
                metadata.put(k.substring(9, k.length() - 1), v);
            }
        });
        sessions.put(id, s);
        if (idempotencyKey != null) {
            byIdempotencyKey.put(idempotencyKey, id);
        }
        return s;
    }

    private void refund(HttpExchange exchange, Map<String, String> form, String idempotencyKey) throws IOException {
        if (idempotencyKey != null && refunds.containsKey(idempotencyKey)) {
            answer(exchange, 200, refunds.get(idempotencyKey));
            return;
        }
        String refused = refuseNextRefund;
        if (refused != null) {
            refuseNextRefund = null;
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error").put("type", "invalid_request_error").put("code", "charge_already_refunded").put("message", refused);
            answer(exchange, 400, error);
            return;
        }
        String paymentIntent = form.get("payment_intent");
        ObjectNode paid = sessions.values().stream().filter(s -> paymentIntent != null && paymentIntent.equals(s.path("payment_intent").asText(null)))
                .findFirst().orElse(null);
        if (paid == null) {
            ObjectNode error = JSON.createObjectNode();
            error.putObject("error").put("type", "invalid_request_error").put("code", "resource_missing")
                    .put("message", "No such payment_intent: '" + paymentIntent + "'");
            answer(exchange, 400, error);
            return;
        }
        ObjectNode refund = JSON.createObjectNode().put("id", "re_" + ids.incrementAndGet() + "Xy").put("object", "refund")
                .put("amount", Long.parseLong(form.getOrDefault("amount", paid.get("amount_total").asText())))
                .put("currency", paid.get("currency").asText()).put("payment_intent", paymentIntent).put("status", "succeeded")
                .put("created", Instant.now().getEpochSecond());
        refunds.put(idempotencyKey == null ? refund.get("id").asText() : idempotencyKey, refund);
        answer(exchange, 200, refund);
    }

    /**
     * The buyer paid on Stripe's page: the session is complete and paid (for {@code amountTotal}/{@code currency}, null:
     * its own) and its {@code checkout.session.completed} event is made (send it with {@link #send}).
     */
    public String complete(String checkoutId, Long amountTotal, String currency) throws IOException {
        ObjectNode s = sessions.get(checkoutId);
        s.put("status", "complete").put("payment_status", "paid").put("payment_intent", "pi_" + checkoutId.substring(8));
        if (amountTotal != null) {
            s.put("amount_total", amountTotal);
        }
        if (currency != null) {
            s.put("currency", currency);
        }
        return event("checkout.session.completed", s);
    }

    /** The session's {@code checkout.session.expired} event (its state as it was when it expired: open, unpaid). */
    public String expired(String checkoutId) throws IOException {
        ObjectNode s = sessions.get(checkoutId).deepCopy();
        s.put("status", "expired").put("payment_status", "unpaid");
        s.putNull("payment_intent");
        return event("checkout.session.expired", s);
    }

    /** An event of any type about a session, as Stripe's events API shapes it. */
    public String event(String type, ObjectNode object) throws IOException {
        ObjectNode event = JSON.createObjectNode().put("id", "evt_" + ids.incrementAndGet() + "Qw").put("object", "event")
                .put("api_version", Stripe.API_VERSION).put("created", Instant.now().getEpochSecond()).put("livemode", false)
                .put("pending_webhooks", 1).put("type", type);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.putObject("data").set("object", object.deepCopy());
        return JSON.writeValueAsString(event);
    }

    /** Sends an event to Kassa signed now; Kassa's answer. */
    public HttpResponse<String> send(String payload) throws Exception {
        return send(payload, signature(payload, Instant.now().getEpochSecond(), webhookSecret));
    }

    public HttpResponse<String> send(String payload, String signatureHeader) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhookUrl)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stripe's signature scheme: {@code t=<seconds>,v1=<hex HMAC-SHA256 of "<seconds>.<payload>">}. */
    public static String signature(String payload, long seconds, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "t=" + seconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal((seconds + "." + payload).getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private static String last(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Request-Id", "req_fake");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        if (page != null) {
            page.stop(0);
        }
    }
}
