package dev.kassa.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The merchant of a {@code kassa chaos} run, as a merchant's backend behaves: its HTTP calls spread over the gateways,
 * and the follow-ups of each session it created (wait until it is visible, then cancel it, or pay it through the
 * sandbox and refund part of it), each retried as a merchant would until the run's deadline.
 */
final class ChaosMerchant {

    private ChaosMerchant() {
    }

    /**
     * The merchant's HTTP calls, counted by answer, spread over the two gateways as a proxy would, and sent to the other
     * one when a gateway does not take the connection (refused: nothing was sent, so no create can be made twice).
     */
    record Client(HttpClient http, List<String> gateways, String key, Map<String, AtomicLong> answers, AtomicLong turn) {

        Client(HttpClient http, List<String> gateways, String key, Map<String, AtomicLong> answers) {
            this(http, gateways, key, answers, new AtomicLong());
        }

        CompletableFuture<HttpResponse<String>> async(String what, String path, String body, String idempotencyKey) {
            int first = (int) (turn.getAndIncrement() % gateways.size());
            return attempt(what, path, body, idempotencyKey, first).handle((r, e) -> {
                if (e != null && refused(e)) {
                    return attempt(what, path, body, idempotencyKey, (first + 1) % gateways.size());
                }
                return e != null ? CompletableFuture.<HttpResponse<String>>failedFuture(e)
                        : CompletableFuture.completedFuture(r);
            }).thenCompose(f -> f).whenComplete((r, e) ->
                    answers.computeIfAbsent(what + " " + (e != null ? e.getClass().getSimpleName() : r.statusCode()
                            + (r.statusCode() < 300 ? "" : " " + r.body().replaceAll("(?s).*\"error\":\"([a-z_]+)\".*", "$1"))),
                            k -> new AtomicLong()).incrementAndGet());
        }

        private CompletableFuture<HttpResponse<String>> attempt(String what, String path, String body, String idempotencyKey,
                                                                                     int gateway) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateways.get(gateway) + path)).timeout(Duration.ofSeconds(15))
                    .header("Authorization", "Bearer " + key);
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            request = body == null ? request.GET() : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private static boolean refused(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return true;
                }
            }
            return false;
        }

        HttpResponse<String> send(String what, String path, String body, String idempotencyKey) {
            try {
                return async(what, path, body, idempotencyKey).get(35, TimeUnit.SECONDS);
            } catch (Exception e) {
                return null;
            }
        }
    }

    /** How long after its create the merchant's status read first found a session, over a run; and how many never. */
    static final class Lags {
        private final ConcurrentLinkedQueue<Long> millis = new ConcurrentLinkedQueue<>();
        private final AtomicLong never = new AtomicLong();

        @Override
        public String toString() {
            List<Long> sorted = millis.stream().sorted().toList();
            if (sorted.isEmpty()) {
                return "never (" + never.get() + " sessions)";
            }
            return String.format("after p50 %.1f s, p99 %.1f s, max %.1f s; %d never within the run", sorted.get(sorted.size() / 2) / 1e3,
                    sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1e3, sorted.get(sorted.size() - 1) / 1e3,
                    never.get());
        }
    }

    /** Whether the merchant's status read finds the session before {@code until} (the buyer's checkout page reads it the same way). */
    static boolean visible(Client client, long session, long until, Lags lags) throws InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> status = client.send("status", "/gateway/status.php?session_id=" + session, null, null);
            if (status != null && status.statusCode() == 200) {
                lags.millis.add((System.nanoTime() - from) / 1_000_000);
                return true;
            }
            // Polling as a merchant would. Not faster: every poll is a read the gateways answer or forward, and on two
            // cores hundreds of pollers a second took CPU from the services they waited for.
            Thread.sleep(2000);
        }
        lags.never.incrementAndGet();
        return false;
    }

    /** A cancel, retried as a merchant would while the gateway is away or has not seen the session yet (404, 503). */
    static Void cancel(Client client, long session, Map<Long, Boolean> acknowledged, long until) throws InterruptedException {
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("cancel", "/gateway/cancel.php", "{\"session_id\":" + session + "}", null);
            if (r != null && r.statusCode() == 200) {
                acknowledged.put(session, true);
                return null;
            }
            if (r != null && r.statusCode() == 409) {
                return null; // expired before the cancel got through: nothing to acknowledge
            }
            Thread.sleep(2000); // the merchant's retry
        }
        return null;
    }

    /**
     * The sandbox provider reports the payment three times (a duplicate-callback storm); once the merchant sees it paid,
     * a refund of 4.00 with an Idempotency-Key, retried with the same key until answered. Each step retries until
     * {@code until}.
     */
    static Void payAndRefund(Client client, ObjectMapper json, long session, Map<Long, Boolean> paid, Map<Long, Boolean> refunded,
                                     long until) throws Exception {
        boolean reported = false;
        while (!reported && System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("pay", "/sandbox/sessions/" + session + "/pay", "{\"outcome\":\"paid\",\"duplicates\":2}", null);
            reported = r != null && (r.statusCode() == 202 || r.statusCode() == 409);
            if (!reported) {
                Thread.sleep(2000); // a dead gateway, or a session it has not seen yet: try again, as a buyer would
            }
        }
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> status = client.send("status", "/gateway/status.php?session_id=" + session, null, null);
            if (status != null && status.statusCode() == 200 && "paid".equals(json.readTree(status.body()).at("/session/status").asText())) {
                paid.put(session, true);
                break;
            }
            Thread.sleep(1000); // polling as a merchant without webhooks would
        }
        if (!paid.containsKey(session)) {
            return null;
        }
        while (System.nanoTime() - until < 0) {
            HttpResponse<String> r = client.send("refund", "/gateway/refund.php", "{\"session_id\":" + session + ",\"amount\":\"4.00\"}",
                    "chaos-refund-" + session);
            if (r != null && r.statusCode() == 200) {
                refunded.put(session, true);
                break;
            }
            Thread.sleep(2000); // the same refund again, with its key
        }
        return null;
    }
}
