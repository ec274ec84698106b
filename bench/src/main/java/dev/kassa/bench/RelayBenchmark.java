package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.relay.app.RelayService;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.EventCause;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.ProviderReport;
import dev.kassa.schemas.avro.ReportedStatus;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionCreated;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.StartPaymentAttempt;
import dev.kassa.schemas.avro.WebhookEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Webhook delivery: (1) deliveries/s through the relay to a loopback receiver that answers 200 at once, against a
 * plain JDK HttpClient POST loop to the same kind of receiver in the same run; (2) end-to-end latency from a signed
 * provider callback at the gateway, through the aggregate and the relay, to the receiver, at a steady rate.
 */
public final class RelayBenchmark {

    private final KafkaCluster kafka;

    public RelayBenchmark(KafkaCluster kafka) {
        this.kafka = kafka;
    }

    public record Throughput(long webhooks, double relayPerSecond, double baselinePerSecond, double jdkLoopPerSecond,
                             double apacheLoopPerSecond) {
        public Throughput(long webhooks, double relayPerSecond, double baselinePerSecond) {
            this(webhooks, relayPerSecond, baselinePerSecond, 0, 0);
        }
    }

    public record Latency(long sent, long received, double ratePerSecond, long p50Ms, long p99Ms, long maxMs, Map<String, Long> answers) {
    }

    /** A disabled endpoint's held backlog, turned back on: how soon the first arrived, and the drain rate. */
    public record Held(long webhooks, long delivered, long firstAfterMs, double drainPerSecond) {
    }

    /**
     * {@code webhooks} webhooks queued for an endpoint the operator turned off (held, never parked), then the endpoint
     * turned back on: nginx counts from the first to the last receipt (SPEC.md: resumed within 2 s, in order).
     */
    public Held heldBacklog(int webhooks, Duration limit) throws Exception {
        provision();
        long merchant = 7004;
        try (NginxReceiver nginx = NginxReceiver.start()) {
            writeHeldMerchant(merchant, nginx.url(), false);
            writeCreatedEvents(merchant, webhooks);
            RelayService.Config config = fresh(RelayService.Config.defaults(kafka.bootstrapServers(),
                    Files.createTempDirectory("kassa-bench-held-"), true));
            try (RelayService relay = RelayService.start(config)) {
                relay.awaitRunning(Duration.ofMinutes(2));
                long readBy = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!hasRead(config.applicationId()) && System.nanoTime() < readBy) {
                    Thread.sleep(200); // sampling the relay's committed offsets until every event is queued (held)
                }
                nginx.reset();
                long enabledAt = System.currentTimeMillis();
                writeHeldMerchant(merchant, nginx.url(), true);
                long deadline = System.nanoTime() + limit.toNanos();
                while (nginx.count().requests() < webhooks && System.nanoTime() < deadline) {
                    Thread.sleep(250); // sampling nginx's log
                }
                Thread.sleep(1500); // the last second of nginx's buffered log
                NginxReceiver.Count count = nginx.count();
                return new Held(webhooks, count.requests(), Math.round(count.firstEpochSeconds() * 1000) - enabledAt, count.perSecond());
            }
        }
    }

    /** Whether the relay's group has read the events topic to its end. */
    private boolean hasRead(String applicationId) throws Exception {
        try (Admin admin = kafka.admin()) {
            var read = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < KafkaCeiling.PARTITIONS; p++) {
                ends.put(new TopicPartition(Topics.SESSION_EVENTS.name(), p), OffsetSpec.latest());
            }
            var latest = admin.listOffsets(ends).all().get();
            return latest.entrySet().stream().allMatch(e -> read.containsKey(e.getKey()) && read.get(e.getKey()).offset() >= e.getValue().offset());
        }
    }

    /** A merchant whose one endpoint (not its webhook_url) is turned off, or back on as of now. */
    private void writeHeldMerchant(long id, String url, boolean enabled) throws Exception {
        Instant now = Instant.now();
        var endpoint = WebhookEndpoint.newBuilder().setEndpointKey(id * 100 + 1).setUrl(url)
                .setSecret("whsec_YmVuY2gtc2VjcmV0").setEventFilter(List.of("*")).setEnabled(enabled).setEnabledAt(now)
                .setCreatedAt(now).build();
        try (KafkaProducer<Long, Merchant> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Serdes.Long().serializer(), Topics.MERCHANTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), id, Merchant.newBuilder().setMerchantId(id)
                    .setEmail("bench@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                    .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(null)
                    .setWebhookSecret(null).setWebhookEndpoints(List.of(endpoint)).setCreatedAt(now).setUpdatedAt(now).build())).get();
        }
    }

    public Throughput throughput(int webhooks, Duration limit) throws Exception {
        return throughput(webhooks, limit, 1);
    }

    /**
     * Deliveries/s to Debian's nginx as the receiver (counted from its own log), against the ceiling of that same
     * nginx: {@code wrk} POSTing the same body to it, measured first in the same run.
     */
    public Throughput throughputToNginx(int webhooks, Duration limit, int endpoints, Wrk wrk) throws Exception {
        return throughputToNginx(webhooks, limit, endpoints, wrk, 0);
    }

    /**
     * With {@code inService} above 0 the measured relay is one in service: it starts first, delivers {@code inService}
     * webhooks of another merchant to the same nginx, and only then are the measured events appended (while it runs,
     * as a merchant's traffic arrives). Without it a fresh relay starts on the measured events as a backlog, and its
     * own start (Streams, RocksDB, the first compilations of what differs from the warm-up) is inside the measurement.
     */
    public Throughput throughputToNginx(int webhooks, Duration limit, int endpoints, Wrk wrk, int inService) throws Exception {
        provision();
        long merchant = 7003;
        try (NginxReceiver nginx = NginxReceiver.start()) {
            Path post = Files.createTempFile("kassa-post-", ".lua");
            Files.writeString(post, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [["
                    + new String(sampleBody(), StandardCharsets.UTF_8) + "]]\n");
            wrk.run(nginx.ceilingUrl(), 64, Duration.ofSeconds(3), post, Map.of()); // warm-up
            double ceiling = wrk.run(nginx.ceilingUrl(), 64, Duration.ofSeconds(10), post, Map.of()).requestsPerSecond();
            Files.deleteIfExists(post);
            // Each client the relay was measured with, alone, to the same nginx (64 in flight).
            double jdkLoop = HttpClientLoops.jdk(nginx.ceilingUrl(), sampleBody(), Duration.ofSeconds(5));
            double apacheLoop = HttpClientLoops.apache(nginx.ceilingUrl(), sampleBody(), Duration.ofSeconds(5));
            nginx.reset();
            writeMerchant(merchant, nginx.url(), endpoints);
            if (inService == 0) {
                writeCreatedEvents(merchant, webhooks, 0);
            }
            long deliveries = (long) webhooks * endpoints;
            try (RelayService relay = RelayService.start(fresh(RelayService.Config.defaults(kafka.bootstrapServers(),
                    Files.createTempDirectory("kassa-bench-relay-"), true)))) {
                if (inService > 0) {
                    long warm = 7007;
                    writeMerchant(warm, nginx.url(), 1);
                    writeCreatedEvents(warm, inService, 10_000_000L);
                    long warmBy = System.nanoTime() + limit.toNanos();
                    while (nginx.count().requests() < inService && System.nanoTime() < warmBy) {
                        Thread.sleep(250); // sampling nginx's log while the relay in service warms
                    }
                    nginx.reset();
                    writeCreatedEvents(merchant, webhooks, 0);
                }
                long deadline = System.nanoTime() + limit.toNanos();
                while (nginx.count().requests() < deliveries && System.nanoTime() < deadline) {
                    Thread.sleep(250); // sampling nginx's log, flushed every second
                }
            }
            Thread.sleep(1500); // the last second of nginx's buffered log
            NginxReceiver.Count count = nginx.count();
            return new Throughput(count.requests(), count.perSecond(), ceiling, jdkLoop, apacheLoop);
        }
    }

    /**
     * The relay's code made hot before it is measured: {@code webhooks} webhooks delivered to an nginx of their own by a
     * relay that is then closed (on its own broker: the measured relay must not find these events). A relay in service
     * runs compiled code; without this the first phase measured the JIT compiling Streams, RocksDB's bindings and the
     * relay (C2 took half a core through it).
     */
    public void warmUp(int webhooks, Duration limit) throws Exception {
        provision();
        long merchant = 7006;
        try (NginxReceiver nginx = NginxReceiver.start()) {
            writeMerchant(merchant, nginx.url(), 1);
            writeCreatedEvents(merchant, webhooks);
            try (RelayService relay = RelayService.start(fresh(RelayService.Config.defaults(kafka.bootstrapServers(),
                    Files.createTempDirectory("kassa-bench-warm-"), true)))) {
                long deadline = System.nanoTime() + limit.toNanos();
                while (nginx.count().requests() < webhooks && System.nanoTime() < deadline) {
                    Thread.sleep(250); // sampling nginx's log, flushed every second
                }
            }
        }
    }

    /**
     * The same with {@code endpoints} endpoints for the merchant (the first its webhook_url, the others further
     * endpoints at the same receiver): every webhook goes to each, so {@code webhooks × endpoints} deliveries.
     */
    public Throughput throughput(int webhooks, Duration limit, int endpoints) throws Exception {
        provision();
        long merchant = 7001;
        double baseline;
        try (LoopbackReceiver plain = new LoopbackReceiver(b -> { })) {
            baseline = plainLoop(plain, webhooks, sampleBody());
        }
        try (LoopbackReceiver receiver = new LoopbackReceiver(b -> { })) {
            writeMerchant(merchant, receiver.url(), endpoints);
            writeCreatedEvents(merchant, webhooks);
            long deliveries = (long) webhooks * endpoints;
            try (RelayService relay = RelayService.start(fresh(RelayService.Config.defaults(kafka.bootstrapServers(),
                    Files.createTempDirectory("kassa-bench-relay-"), true)))) {
                long deadline = System.nanoTime() + limit.toNanos();
                while (receiver.received.get() < deliveries && System.nanoTime() < deadline) {
                    Thread.sleep(50); // sampling a counter the receiver's threads move
                }
            }
            return new Throughput(receiver.received.get(), receiver.ratePerSecond(), baseline);
        }
    }

    /**
     * The goal's leg: a signed provider callback at the gateway's {@code POST /api/webhook.php} reporting a payment,
     * through the gateway, the aggregate and the relay, to the merchant's receipt of the {@code paid} webhook. The
     * sessions are created first (outside the measurement); then callbacks are sent at {@code perSecond}, open loop.
     * With {@code throughGateway} false the provider's report is appended to the commands topic by the
     * bench itself (as the gateway's callback would append it), and no gateway runs: the lag of the pipeline behind the
     * HTTP edge (the aggregate's exactly-once commit, the relay's, the delivery), without the gateway's HTTP work and
     * the JDK load generator on the same two cores.
     */
    public Latency latency(int perSecond, Duration duration, boolean throughGateway) throws Exception {
        provision();
        long merchant = 7002;
        long total = perSecond * duration.toSeconds();
        long firstSession = 3_000_000_000L + (System.nanoTime() % 1_000_000L) * 10_000L;
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<String, Long> answers = new ConcurrentHashMap<>();
        List<Long> lags = Collections.synchronizedList(new ArrayList<>());
        AtomicLong created = new AtomicLong();
        AtomicLong pending = new AtomicLong();
        ObjectMapper json = new ObjectMapper();
        try (LoopbackReceiver receiver = new LoopbackReceiver(body -> {
            long now = System.currentTimeMillis();
            try {
                var tree = json.readTree(body);
                String status = tree.get("status").asText();
                if (status.equals("created")) {
                    created.incrementAndGet();
                } else if (status.equals("pending")) {
                    pending.incrementAndGet();
                } else if (status.equals("paid")) {
                    Long sent = sentAt.get(tree.get("session_id").asLong());
                    if (sent != null) {
                        lags.add(now - sent);
                    }
                }
            } catch (Exception e) {
                // not one of ours
            }
        })) {
            writeMerchant(merchant, receiver.url());
            var dir = Files.createTempDirectory("kassa-bench-e2e-");
            AggregateService.Config aggregateDefaults = AggregateService.Config.defaults(kafka.bootstrapServers(), dir.resolve("a"));
            try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(aggregateDefaults.kafka(),
                         "bench-e2e-aggregate-" + System.nanoTime(), aggregateDefaults.stateDir(), aggregateDefaults.commitInterval(),
                         0, aggregateDefaults.settings(), Map.of()));
                 RelayService relay = RelayService.start(fresh(RelayService.Config.defaults(kafka.bootstrapServers(), dir.resolve("r"), true)));
                 GatewayServer gateway = !throughGateway ? null : GatewayServer.start(kafka.bootstrapServers(), 0, "bench-admin", "http://localhost", true,
                         // The load generator is one address standing in for a provider: the per-client limit on
                         // unauthenticated routes (100/s by default) turned 7,458 of 10,000 callbacks at 1,000/s into 429s.
                         Map.of("kassa.gateway.rate-per-second", 1_000_000, "kassa.gateway.rate-burst", 1_000_000,
                                 "kassa.gateway.client-rate-per-second", 1_000_000, "kassa.gateway.client-rate-burst", 1_000_000));
                 KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 5),
                         Topics.SESSION_COMMANDS.keySerde().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
                aggregate.awaitRunning(Duration.ofMinutes(2));
                relay.awaitRunning(Duration.ofMinutes(2));
                Instant now = Instant.now();
                for (long i = 0; i < total; i++) {
                    long session = firstSession + i;
                    producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, SessionCommand.newBuilder()
                            .setCommandId("c-" + session).setSessionId(session).setMerchantId(merchant).setIssuedAt(now).setActor("bench")
                            .setPayload(CreateSession.newBuilder().setOrderId("E2E-" + session).setAmountMinor(1000)
                                    .setCurrency("EUR").setShopDomain("shop.example").setExpiresAt(now.plusSeconds(3600))
                                    .setGraceSeconds(1800).build()).build()));
                    // The attempt the provider's callback will name: a payment counts only through one (money integrity).
                    producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, SessionCommand.newBuilder()
                            .setCommandId("a-" + session).setSessionId(session).setMerchantId(merchant).setIssuedAt(now).setActor("bench")
                            .setPayload(new StartPaymentAttempt("att-" + session, "card", "sandbox", "pay-" + session, null))
                            .build()));
                }
                producer.flush();
                long ready = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                // Both set-up webhooks of every session delivered first: the measured leg starts with idle queues.
                while ((created.get() < total || pending.get() < total) && System.nanoTime() < ready) {
                    Thread.sleep(100); // sampling the receiver's counters while the set-up webhooks drain
                }
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI callbackUrl = throughGateway ? URI.create(gateway.url() + "/api/webhook.php") : null;
                Semaphore inFlight = new Semaphore(512);
                long start = System.nanoTime();
                for (long i = 0; i < total; i++) {
                    long due = start + i * 1_000_000_000L / perSecond;
                    // Parked until just before the send is due: spinning here took one of the two cores from the
                    // services being measured (100 % of a core at 100 callbacks/s).
                    for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
                        LockSupport.parkNanos(Math.max(left - 100_000, 10_000));
                    }
                    long session = firstSession + i;
                    byte[] body = ("{\"event_id\":\"pe-" + session + "\",\"session_id\":" + session
                            + ",\"status\":\"completed\",\"amount_minor\":1000,\"currency\":\"EUR\",\"attempt_id\":\"att-" + session
                            + "\",\"payment_id\":\"pay-" + session + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    if (!throughGateway) {
                        sentAt.put(session, System.currentTimeMillis());
                        producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, report(session, body)),
                                (m, e) -> answers.merge(e == null ? "appended" : e.getClass().getSimpleName(), 1L, Long::sum));
                        continue;
                    }
                    long t = Instant.now().getEpochSecond();
                    inFlight.acquire();
                    sentAt.put(session, System.currentTimeMillis());
                    http.sendAsync(HttpRequest.newBuilder(callbackUrl).header("Content-Type", "application/json")
                                    .header("X-Provider", "sandbox").header("X-Provider-Signature", "t=" + t + ",v1=" + hmacHex(t + "." + new String(body, StandardCharsets.UTF_8)))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                            .whenComplete((r, e) -> {
                                inFlight.release();
                                answers.merge(e != null ? e.getClass().getSimpleName() : Integer.toString(r.statusCode()), 1L, Long::sum);
                            });
                }
                long wait = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (lags.size() < total && System.nanoTime() < wait) {
                    Thread.sleep(50); // sampling
                }
                List<Long> sorted;
                synchronized (lags) {
                    sorted = new ArrayList<>(lags);
                }
                Collections.sort(sorted);
                return new Latency(total, sorted.size(), perSecond, pct(sorted, 0.5), pct(sorted, 0.99),
                        sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1), new TreeMap<>(answers));
            }
        }
    }

    /** The command the gateway's {@code /api/webhook.php} appends for the callback {@code body} of {@code session}. */
    private static SessionCommand report(long session, byte[] body) throws Exception {
        return SessionCommand.newBuilder().setCommandId("provider:sandbox:pe-" + session).setSessionId(session).setMerchantId(0)
                .setIssuedAt(Instant.now()).setActor("provider:sandbox")
                .setPayload(ProviderReport.newBuilder().setProvider("sandbox").setProviderEventId("pe-" + session)
                        .setProviderStatus("completed").setStatus(ReportedStatus.UNKNOWN).setAttemptId("att-" + session)
                        .setProviderPaymentId("pay-" + session).setReferences(Map.of()).setAmountMinor(1000L).setCurrency("EUR")
                        .setPayloadSha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
                        .setReportedAt(Instant.now()).build())
                .build();
    }

    /** The development-mode sandbox provider's signature: hex HMAC-SHA256 of {@code t.body}. */
    private static String hmacHex(String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("sandbox-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    /** Each phase gets its own application id: no phase inherits another's offsets or stores. */
    private static RelayService.Config fresh(RelayService.Config c) {
        return new RelayService.Config(c.kafka(), "bench-relay-" + System.nanoTime(), c.stateDir(), c.allowLoopback(),
                c.requestTimeout(), c.settings(), c.overrides());
    }

    private double plainLoop(LoopbackReceiver receiver, int requests, byte[] body) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(1024);
        CountDownLatch done = new CountDownLatch(requests);
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url())).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        for (int i = 0; i < requests; i++) {
            inFlight.acquire();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                inFlight.release();
                done.countDown();
            });
        }
        done.await();
        return receiver.ratePerSecond();
    }

    private byte[] sampleBody() {
        return ("{\"event\":\"payment.session\",\"event_id\":\"evt_1_1\",\"session_id\":1,\"order_id\":\"ORDER-1\",\"status\":\"created\","
                + "\"previous_status\":null,\"sequence\":1,\"amount\":\"10.00\",\"currency\":\"EUR\",\"shop_domain\":\"shop.example\","
                + "\"email\":null,\"txid\":null,\"txid_in\":null,\"txid_out\":null,\"paid_value_coin\":null,\"paid_coin\":null,"
                + "\"polygon_address_in\":null,\"late\":false,\"created_at\":\"2026-02-25 12:00:00\",\"expires_at\":\"2026-02-25 12:15:00\","
                + "\"sent_at\":\"2026-02-25T12:00:00Z\"}").getBytes(StandardCharsets.UTF_8);
    }

    private void provision() throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, new TopicLayout(KafkaCeiling.PARTITIONS, (short) Math.min(3, kafka.brokerCount()))).ensure();
        }
    }

    private void writeMerchant(long id, String url) throws Exception {
        writeMerchant(id, url, 1);
    }

    private void writeMerchant(long id, String url, int endpoints) throws Exception {
        List<WebhookEndpoint> more = new ArrayList<>();
        for (int i = 1; i < endpoints; i++) {
            more.add(WebhookEndpoint.newBuilder().setEndpointKey(id * 100 + i).setUrl(url + "?endpoint=" + i)
                    .setSecret("whsec_YmVuY2gtc2VjcmV0").setEventFilter(List.of("*")).setEnabled(true).setCreatedAt(Instant.now()).build());
        }
        try (KafkaProducer<Long, Merchant> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                Serdes.Long().serializer(), Topics.MERCHANTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), id, Merchant.newBuilder().setMerchantId(id)
                    .setEmail("bench@example.com").setApiKeyHash("sha256:00").setDomains(List.of("shop.example"))
                    .setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER).setWebhookUrl(url)
                    .setWebhookSecret("whsec_YmVuY2gtc2VjcmV0").setWebhookEndpoints(more).setCreatedAt(Instant.now()).setUpdatedAt(Instant.now())
                    .build())).get();
        }
    }

    private void writeCreatedEvents(long merchant, int count) {
        writeCreatedEvents(merchant, count, 0);
    }

    /** {@code count} created events of sessions numbered from {@code 4_000_000_000 + offset}. */
    private void writeCreatedEvents(long merchant, int count, long offset) {
        Instant now = Instant.now();
        try (KafkaProducer<SessionEventKey, SessionEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.PARTITIONER_CLASS_CONFIG, SessionEventPartitioner.class.getName(),
                ProducerConfig.LINGER_MS_CONFIG, 5),
                Topics.SESSION_EVENTS.keySerde().serializer(), Topics.SESSION_EVENTS.valueSerde().serializer())) {
            for (long i = 0; i < count; i++) {
                long session = 4_000_000_000L + offset + i;
                producer.send(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), new SessionEventKey(session, 1), SessionEvent.newBuilder()
                        .setEventId("evt_" + session + "_1").setSessionId(session).setMerchantId(merchant).setSequence(1)
                        .setOccurredAt(now).setStatus(SessionStatus.CREATED).setPreviousStatus(null)
                        .setCause(new EventCause("c", "CreateSession", "bench", "d"))
                        .setPayload(SessionCreated.newBuilder().setOrderId("ORDER-" + session).setAmountMinor(1000).setCurrency("EUR")
                                .setShopDomain("shop.example").setExpiresAt(now.plusSeconds(900)).setGraceSeconds(1800).build()).build()));
            }
            producer.flush();
        }
    }

    private static long pct(List<Long> sorted, double q) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
