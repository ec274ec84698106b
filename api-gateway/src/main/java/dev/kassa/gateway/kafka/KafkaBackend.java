package dev.kassa.gateway.kafka;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewayMetrics;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.views.FeedWrites;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.log.EventLogReplay;
import dev.kassa.log.SessionHistory;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.MerchantView;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantUser;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.Product;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.LoggerFactory;

/**
 * The gateway's view of Kafka: replicas of merchants and session state, and commands sent to the aggregate with a
 * bounded wait for their result. The gateway never decides a transition.
 */
@Singleton
public final class KafkaBackend implements AutoCloseable {

    private final Clock clock;
    private final KafkaAccess access;
    private final Map<String, Long> merchantByKeyHash = new ConcurrentHashMap<>();
    /**
     * Sessions this gateway created in the last 30 s: the only unknown ids worth waiting for (the replica may not have
     * them yet). Bounded (Caffeine, a well-kept cache: size and age limits without a hand-rolled map).
     */
    private final Cache<Long, Boolean> createdHere = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();
    /**
     * Creates answered once appended, by command id, until the aggregate's result for them is read: a result that is
     * not "applied" is an acknowledged create that did not happen, logged and counted (it must never occur).
     */
    private final Cache<String, Long> appendedCreates = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();
    /** Per merchant and order id, the session of a create answered here in the last 30 s (status by order waits for it). */
    private final Cache<String, Long> appendedOrders = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofSeconds(30)).build();
    private final Replica<Long, Merchant> merchants;
    /** Sessions, orders, timelines: the read side in Kafka Streams stores, owned per partition (not in this heap). */
    private final SessionViews views;
    private final Replica<Long, WebhookEndpointStatus> endpointStatus;
    /** Dashboard users by e-mail (few per merchant: a replica like the merchants'). */
    private final Replica<String, MerchantUser> users;
    /** Payment links by id (the fold's state; few per merchant) and the index from a link page's code to its id. */
    private final Replica<String, PaymentLink> links;
    private final Map<String, String> linkByCode = new ConcurrentHashMap<>();
    /** Products by slug (the gateway writes them). */
    private final Replica<String, Product> products;
    private final TopicProducer producer;
    /** Per command id, the requests waiting for a result: concurrent retries share an id and each gets one result. */
    private final Map<String, Queue<CompletableFuture<CommandResult>>> waiting = new ConcurrentHashMap<>();
    private final KafkaConsumer<Long, CommandResult> results;
    private final Thread resultsThread;
    private volatile boolean running = true;

    private final MerchantChangeFence fence;
    private final FeedWrites feedWrites;

    public KafkaBackend(KafkaAccess bootstrap, Clock clock, SessionViews views, GatewaySettings settings, FeedWrites feedWrites) {
        this.clock = clock;
        this.feedWrites = feedWrites;
        this.views = views;
        this.access = bootstrap;
        GatewayMetrics.register();
        merchants = new Replica<>(bootstrap, Topics.MERCHANTS.name(), Serdes.Long().deserializer(),
                Topics.MERCHANTS.valueSerde().deserializer(), (id, before, merchant) -> {
                    // Only the current key and, until it expires, the previous one lead to the merchant: the hashes of the
                    // record this one replaces leave the index (an expired previous one leaves at its next lookup).
                    if (before != null) {
                        merchantByKeyHash.remove(before.getApiKeyHash(), id);
                        if (before.getPreviousApiKeyHash() != null) {
                            merchantByKeyHash.remove(before.getPreviousApiKeyHash(), id);
                        }
                    }
                    if (merchant != null) {
                        merchantByKeyHash.put(merchant.getApiKeyHash(), id);
                        if (merchant.getPreviousApiKeyHash() != null) {
                            merchantByKeyHash.put(merchant.getPreviousApiKeyHash(), id);
                        }
                    }
                });
        endpointStatus = new Replica<>(bootstrap, Topics.WEBHOOK_ENDPOINT_STATUS.name(), Serdes.Long().deserializer(),
                Topics.WEBHOOK_ENDPOINT_STATUS.valueSerde().deserializer(), (id, before, status) -> { });
        users = new Replica<>(bootstrap, Topics.MERCHANT_USERS.name(), Serdes.String().deserializer(),
                Topics.MERCHANT_USERS.valueSerde().deserializer(), (email, before, user) -> { });
        links = new Replica<>(bootstrap, Topics.PAYMENT_LINKS.name(), Serdes.String().deserializer(),
                Topics.PAYMENT_LINKS.valueSerde().deserializer(), (id, before, link) -> {
                    if (link != null) {
                        linkByCode.put(link.getCode(), id);
                    } else if (before != null) {
                        linkByCode.remove(before.getCode(), id);
                    }
                });
        products = new Replica<>(bootstrap, Topics.PRODUCTS.name(), Serdes.String().deserializer(),
                Topics.PRODUCTS.valueSerde().deserializer(), (slug, before, product) -> { });
        fence = new MerchantChangeFence(bootstrap, settings.viewsApplicationId(), merchants);
        producer = new TopicProducer(bootstrap.config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0)));
        results = new KafkaConsumer<>(bootstrap.config(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                Serdes.Long().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer());
        List<TopicPartition> partitions = results.partitionsFor(Topics.COMMAND_RESULTS.name()).stream()
                .map(p -> new TopicPartition(Topics.COMMAND_RESULTS.name(), p.partition())).toList();
        results.assign(partitions);
        results.seekToEnd(partitions);
        partitions.forEach(results::position); // resolve "end" now: results of commands sent from here on are seen
        resultsThread = new Thread(this::readResults, "kassa-command-results");
        resultsThread.setDaemon(true);
        resultsThread.start();
    }

    private void readResults() {
        try {
            while (running) {
                for (ConsumerRecord<Long, CommandResult> record : results.poll(Duration.ofMillis(200))) {
                    checkAppendedCreate(record.value());
                    List<CompletableFuture<CommandResult>> taken = new ArrayList<>(1);
                    waiting.computeIfPresent(record.value().getCommandId(), (id, queue) -> {
                        CompletableFuture<CommandResult> next = queue.poll();
                        if (next != null) {
                            taken.add(next);
                        }
                        return queue.isEmpty() ? null : queue;
                    });
                    taken.forEach(f -> f.complete(record.value()));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            results.close(Duration.ofSeconds(5));
        }
    }

    private void checkAppendedCreate(CommandResult result) {
        Long session = appendedCreates.getIfPresent(result.getCommandId());
        if (session == null) {
            return;
        }
        appendedCreates.invalidate(result.getCommandId());
        if (result.getOutcome() != CommandOutcome.APPLIED) {
            GatewayMetrics.createNotApplied();
            LoggerFactory.getLogger(KafkaBackend.class).error("session {}: a create answered 200 was not applied by the aggregate: {} {} ({})",
                    session, result.getOutcome(), result.getErrorCode(), result.getMessage());
        }
    }

    /**
     * The fast create: appends the command durably ({@code acks=all}: in the log of every in-sync replica) and returns
     * without waiting for the aggregate, which will apply it (a create of a fresh id has no other outcome: the caller
     * checked the id is not taken). Reads of the session wait, bounded, for its state ({@link #knownSession}).
     */
    public void append(SessionCommand command, Duration timeout) throws InterruptedException, TimeoutException {
        long started = System.nanoTime();
        String type = command.getPayload().getClass().getSimpleName();
        appendedCreates.put(command.getCommandId(), command.getSessionId());
        createdHere.put(command.getSessionId(), Boolean.TRUE);
        if (command.getPayload() instanceof CreateSession create) {
            appendedOrders.put(command.getMerchantId() + "|" + create.getOrderId(), command.getSessionId());
        }
        try {
            int partition = producer.send(Topics.SESSION_COMMANDS, command.getSessionId(), command).get(timeout.toMillis(), TimeUnit.MILLISECONDS).partition();
            feedWrites.wrote(command.getMerchantId(), partition, command.getSessionId(), 0);
        } catch (ExecutionException e) {
            appendedCreates.invalidate(command.getCommandId());
            throw new IllegalStateException("Kafka refused the command: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            // Not acknowledged: the merchant is told to retry; the command may still arrive, and makes a session nobody
            // was given (it expires unpaid), never a second one for the same answer.
            GatewayMetrics.roundTrip(type, "timeout", Duration.ofNanos(System.nanoTime() - started));
            throw e;
        }
        GatewayMetrics.roundTrip(type, "appended", Duration.ofNanos(System.nanoTime() - started));
    }

    /** Whether a session with this id exists (a fresh random id is drawn again if so); asks the id's owner. */
    public boolean sessionIdTaken(long id) throws InterruptedException {
        if (createdHere.getIfPresent(id) != null) {
            return true;
        }
        if (!views.ready()) {
            // Restoring (a restart) or rebalancing: the check would hold every create for up to 10 s and then refuse it.
            // A fresh random id below 2^53 is taken with a chance of sessions/2^53; creates go on without the check.
            GatewayMetrics.createUnchecked();
            return false;
        }
        try {
            return views.session(id) != null;
        } catch (ApiError e) {
            GatewayMetrics.createUnchecked();
            return false; // the owner of the id's partition is away: as above
        }
    }

    /** Records a routing decision on kassa.routing-decisions (keyed by session, so it sits beside the session's events). */
    public void record(RoutingDecision decision) {
        producer.send(Topics.ROUTING_DECISIONS, decision.getSessionId(), decision, (metadata, error) -> {
            if (error != null) {
                LoggerFactory.getLogger(KafkaBackend.class).warn("routing decision {} for session {} not recorded: {}",
                        decision.getDecisionId(), decision.getSessionId(), error.toString());
            }
        });
    }

    /** Whether the merchants' replicas have caught up with what the topics held at start. */
    public boolean replicasLoaded() {
        return merchants.loaded() && endpointStatus.loaded() && users.loaded() && links.loaded() && products.loaded();
    }

    /** A dashboard user by e-mail (lower case), or null. */
    public MerchantUser user(String email) {
        return users.get(email);
    }

    /** Every dashboard user (a copy; they are few). */
    public List<MerchantUser> users() {
        return users.snapshot();
    }

    /** Removes a dashboard user (a tombstone) and waits until this gateway's replica has dropped it; false if it did not in time. */
    public boolean removeUser(String email, Duration timeout) throws Exception {
        producer.send(Topics.MERCHANT_USERS, email, null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return users.awaitGone(email, timeout);
    }

    /** Writes a dashboard user and waits until this gateway's replica has it (read-your-writes). */
    public MerchantUser putUser(MerchantUser user, Duration timeout) throws Exception {
        producer.send(Topics.MERCHANT_USERS, user.getEmail(), user).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return users.await(user.getEmail(), u -> u.getUpdatedAt().equals(user.getUpdatedAt()), timeout);
    }

    /** A payment link by id, or null. */
    public PaymentLink link(String linkId) {
        return links.get(linkId);
    }

    /** A payment link by its page's code, or null. */
    public PaymentLink linkByCode(String code) {
        String id = code == null ? null : linkByCode.get(code);
        return id == null ? null : links.get(id);
    }

    /** The merchant's payment links, newest first. */
    public List<PaymentLink> links(long merchantId) {
        return links.snapshot().stream().filter(l -> l.getMerchantId() == merchantId)
                .sorted(Comparator.comparing(PaymentLink::getCreatedAt).reversed()).toList();
    }

    /**
     * Sends a command to the payment-link fold and waits until this gateway's replica shows the link as {@code ready}
     * says (read-your-writes); the link as it then is, or null if it never came.
     */
    public PaymentLink changeLink(PaymentLinkCommand command,
            Predicate<PaymentLink> ready, Duration timeout) throws Exception {
        producer.send(Topics.PAYMENT_LINK_COMMANDS, command.getLinkId(), command).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return links.await(command.getLinkId(), ready, timeout);
    }

    /**
     * A buyer opened a payment link: sends the open to the link fold and waits for the answer to the create it carries
     * ({@code createCommandId}): the aggregate's (the fold granted a use) or the fold's refusal.
     */
    public CommandResult openLink(PaymentLinkCommand open, String createCommandId, Duration timeout)
            throws InterruptedException, TimeoutException {
        CompletableFuture<CommandResult> future = awaiting(createCommandId);
        try {
            producer.send(Topics.PAYMENT_LINK_COMMANDS, open.getLinkId(), open).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            CommandResult result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (result.getOutcome() == CommandOutcome.APPLIED) {
                createdHere.put(result.getSessionId(), Boolean.TRUE);
            }
            return result;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused the command: " + e.getCause().getMessage(), e);
        } finally {
            stopAwaiting(createCommandId, future);
        }
    }

    /** A product by slug, or null. */
    public Product product(String slug) {
        return slug == null ? null : products.get(slug);
    }

    /** The merchant's products, by name. */
    public List<Product> products(long merchantId) {
        return products.snapshot().stream().filter(p -> p.getMerchantId() == merchantId)
                .sorted(Comparator.comparing(Product::getName)).toList();
    }

    /** Writes a product and waits until this gateway's replica has it (read-your-writes). */
    public Product putProduct(Product product, Duration timeout) throws Exception {
        producer.send(Topics.PRODUCTS, product.getSlug(), product).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return products.await(product.getSlug(), p -> p.getUpdatedAt().equals(product.getUpdatedAt()), timeout);
    }

    /** Sends a command and waits, bounded, for the aggregate's answer; empty on timeout. */
    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(2);

    public CommandResult send(SessionCommand command, Duration timeout) throws InterruptedException, TimeoutException {
        CompletableFuture<CommandResult> future = awaiting(command.getCommandId());
        long started = System.nanoTime();
        String type = command.getPayload().getClass().getSimpleName();
        try {
            int partition = producer.send(Topics.SESSION_COMMANDS, command.getSessionId(), command).get(timeout.toMillis(), TimeUnit.MILLISECONDS).partition();
            CommandResult result;
            try {
                result = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                GatewayMetrics.roundTrip(type, "timeout", Duration.ofNanos(System.nanoTime() - started));
                throw e;
            }
            GatewayMetrics.roundTrip(type, result.getOutcome().name().toLowerCase(Locale.ROOT), Duration.ofNanos(System.nanoTime() - started));
            if (command.getPayload() instanceof CreateSession
                    && (result.getOutcome() == CommandOutcome.APPLIED || result.getOutcome() == CommandOutcome.DUPLICATE)) {
                createdHere.put(command.getSessionId(), Boolean.TRUE);
            }
            if (result.getOutcome() == CommandOutcome.APPLIED && result.getSequence() != null
                    && !(command.getPayload() instanceof CreateSession)) {
                // Read-your-writes: the result and the new state leave the aggregate in one transaction but reach this
                // gateway on two consumers; whoever asks next (the merchant's status read, the hosted page) must see
                // the state this command made. Bounded: after it the state shows up moments later anyway.
                views.awaitSession(command.getSessionId(), result.getSequence(), READ_YOUR_WRITES);
            }
            if (result.getOutcome() == CommandOutcome.APPLIED && result.getSequence() != null
                    && (command.getPayload() instanceof CreateSession || command.getPayload() instanceof CancelSession)) {
                // The merchant's writes that always announce an event: its next feed read here waits for it. The
                // command's partition is its events' too (every topic has the layout's count, keyed by session id).
                feedWrites.wrote(command.getMerchantId(), partition, command.getSessionId(), result.getSequence());
            }
            return result;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Kafka refused the command: " + e.getCause().getMessage(), e);
        } finally {
            stopAwaiting(command.getCommandId(), future);
        }
    }

    /**
     * A future the results reader completes with the next result for {@code commandId}. Registered and removed atomically
     * per id, so a concurrent retry never lands in a queue being dropped.
     */
    private CompletableFuture<CommandResult> awaiting(String commandId) {
        CompletableFuture<CommandResult> future = new CompletableFuture<>();
        waiting.compute(commandId, (id, queue) -> {
            Queue<CompletableFuture<CommandResult>> q = queue == null ? new ConcurrentLinkedQueue<>() : queue;
            q.add(future);
            return q;
        });
        return future;
    }

    private void stopAwaiting(String commandId, CompletableFuture<CommandResult> future) {
        waiting.computeIfPresent(commandId, (id, q) -> {
            q.remove(future);
            return q.isEmpty() ? null : q;
        });
    }

    /** {@link #send} with the merchant API's answer to a timeout: 503 {@code unavailable}, retry with the same key. */
    public CommandResult sendOrUnavailable(SessionCommand command) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(10);
        try {
            return send(command, timeout);
        } catch (TimeoutException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE,
                    "the session aggregate did not answer within " + timeout.toSeconds() + " s; retry with the same Idempotency-Key");
        }
    }

    /**
     * Runs a read-modify-write of one merchant's record fenced against every other change of it ({@link MerchantChangeFence}):
     * {@code change} reads the record ({@link #merchantRecord}) and writes it once ({@link #putMerchant}); if another
     * change got in between, it is done again on the newer record.
     */
    public <T> T changeMerchant(long merchantId, Callable<T> change) throws Exception {
        return fence.change(merchantId, change);
    }

    /**
     * Writes a merchant profile and waits until this gateway's replica has it (read-your-writes); inside
     * {@link #changeMerchant}, in the change's transaction.
     */
    public Merchant putMerchant(Merchant merchant, Duration timeout) throws Exception {
        if (fence.active()) {
            return fence.write(merchant, timeout);
        }
        producer.send(Topics.MERCHANTS, merchant.getMerchantId(), merchant).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return merchants.await(merchant.getMerchantId(), m -> m.getUpdatedAt().equals(merchant.getUpdatedAt()), timeout);
    }

    /** Queues an operator's redelivery for the relay. */
    public void redeliver(RedeliveryRequest request) throws Exception {
        producer.send(Topics.WEBHOOK_REDELIVERIES, request.getSessionId(), request).get(10, TimeUnit.SECONDS);
    }

    /**
     * The merchant whose current key, or previous key still within its overlap, has this hash; null for any other. An
     * expired previous key leaves the index when it is next presented.
     */
    public Merchant merchantByKeyHash(String hash) {
        Long id = merchantByKeyHash.get(hash);
        Merchant merchant = id == null ? null : merchant(id);
        if (merchant == null || hash.equals(merchant.getApiKeyHash())) {
            return merchant;
        }
        Instant until = merchant.getPreviousApiKeyUntil();
        if (hash.equals(merchant.getPreviousApiKeyHash()) && until != null && clock.instant().isBefore(until)) {
            return merchant;
        }
        merchantByKeyHash.remove(hash, id);
        return null;
    }

    /** How many key hashes lead to a merchant now (current keys, and previous ones not yet expired or presented). */
    public int keyIndexSize() {
        return merchantByKeyHash.size();
    }

    /** The merchant as every reader sees it: the gateway's record with the relay's endpoint facts folded in. */
    public Merchant merchant(long id) {
        return MerchantView.of(merchants.get(id), endpointStatus.get(id));
    }

    /** The merchant record as the gateway wrote it (the base of an operator's change; the relay's facts stay theirs). */
    public Merchant merchantRecord(long id) {
        return merchants.get(id);
    }

    /** The relay's fact about the endpoint with this key (the first endpoint's key is the merchant id), or null. */
    public WebhookEndpointStatus endpointFact(long endpointKey) {
        return endpointStatus.get(endpointKey);
    }

    /** The webhook attempts recorded since {@code since} that {@code wanted} accepts, in topic order per partition. */
    public List<WebhookAttempt> attemptsSince(Instant since,
                                                                    Predicate<WebhookAttempt> wanted) {
        List<WebhookAttempt> found = new ArrayList<>();
        EventLogReplay.readSince(access, Topics.WEBHOOK_ATTEMPTS.name(), since, Topics.WEBHOOK_ATTEMPTS.keySerde().deserializer(),
                Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer(), (Long key, WebhookAttempt a) -> {
                    if (a != null && wanted.test(a)) {
                        found.add(a);
                    }
                });
        found.sort(Comparator.comparing(WebhookAttempt::getAttemptedAt));
        return found;
    }

    /** Every merchant record as the gateway wrote it (for operator-wide changes such as resealing secrets). */
    public List<Merchant> merchantRecords() {
        return merchants.snapshot();
    }

    /** The newest session of a merchant's order (latest created_at), if the views have one. */
    public SessionState sessionByOrder(long merchantId, String orderId) throws InterruptedException {
        Long newest = views.orderSession(merchantId, orderId);
        return newest == null ? null : views.session(newest);
    }

    /**
     * The same, read-your-writes: when this gateway just answered a create of this order (the fast create) whose state
     * has not reached the replica yet, that session is waited for (at most {@code timeout}): it is the newest.
     */
    public SessionState sessionByOrder(long merchantId, String orderId, Duration timeout) throws InterruptedException {
        Long appended = appendedOrders.getIfPresent(merchantId + "|" + orderId);
        SessionState known = sessionByOrder(merchantId, orderId);
        if (appended == null || (known != null && known.getSessionId() == appended)) {
            return known;
        }
        SessionState waited = knownSession(appended, timeout);
        return waited != null ? waited : known;
    }

    /**
     * Sessions that have a refund reserved and not yet confirmed or refused, among those this instance's views own:
     * each gateway instance executes the refunds of its own partitions.
     */
    public Set<Long> sessionsWithReservedRefunds() {
        return views.ownedReservedRefunds();
    }

    /** The session as the views have it now, without waiting for a sequence. */
    public SessionState sessionNow(long id) throws InterruptedException {
        return views.session(id);
    }

    /**
     * The session with this id, for a read by id that may be a guess (a status read, the hosted page): answered at once
     * from its view, so a random id costs no waiting; only a session created here a moment ago (answered once
     * appended, its state not folded yet) is waited for (at most {@code timeout}).
     */
    public SessionState knownSession(long id, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, 0, createdHere.getIfPresent(id) == null ? Duration.ZERO : timeout);
    }

    /** The session once its view has reached {@code sequence} (or whatever it has after {@code timeout}). */
    public SessionState session(long id, long sequence, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, sequence, timeout);
    }

    /** Everything recorded about one session (events, answers, webhook attempts, routing decisions), from its view. */
    public SessionHistory.SessionLog timeline(long id) throws InterruptedException {
        return views.timeline(id);
    }

    /** The same, once it has caught up with {@code state} (waiting at most {@code timeout}); no state: as it is. */
    public SessionHistory.SessionLog timeline(long id, SessionState state, Duration timeout) throws InterruptedException {
        return state == null ? views.timeline(id) : views.awaitTimeline(id, state.getSequence(), timeout);
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        results.wakeup();
        fence.close();
        merchants.close();
        users.close();
        links.close();
        products.close();
        endpointStatus.close();
        producer.close(Duration.ofSeconds(5));
    }
}
