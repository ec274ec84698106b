package dev.kassa.gateway.kafka;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewayMetrics;
import dev.kassa.gateway.views.FeedWrites;
import dev.kassa.gateway.views.SessionViews;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.SessionCommand;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.LoggerFactory;

/**
 * Commands to the session aggregate (and opens to the payment-link fold), each with a bounded wait for its result read
 * back from {@code kassa.command-results}; the routing decisions the gateway records beside a session's events. It
 * remembers what it appended a moment ago, so that reads of those sessions wait for them ({@link SessionReads}). The
 * gateway never decides a transition.
 */
@Context // started with the gateway: its replica (or results reader) is caught up before the first request needs it
public final class CommandBus implements CommandSender, RoutingLog, AutoCloseable {

    /** How long a command's answer waits for the session's view to show the state it made (read-your-writes). */
    private static final Duration READ_YOUR_WRITES = Duration.ofSeconds(2);

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
    private final SessionViews views;
    private final FeedWrites feedWrites;
    private final TopicProducer producer;
    /** Per command id, the requests waiting for a result: concurrent retries share an id and each gets one result. */
    private final Map<String, Queue<CompletableFuture<CommandResult>>> waiting = new ConcurrentHashMap<>();
    private final KafkaConsumer<Long, CommandResult> results;
    private final Thread resultsThread;
    private volatile boolean running = true;

    CommandBus(KafkaAccess access, TopicProducer producer, SessionViews views, FeedWrites feedWrites) {
        this.views = views;
        this.feedWrites = feedWrites;
        this.producer = producer;
        GatewayMetrics.register();
        results = new KafkaConsumer<>(access.config(Map.of(
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
            LoggerFactory.getLogger(CommandBus.class).error("session {}: a create answered 200 was not applied by the aggregate: {} {} ({})",
                    session, result.getOutcome(), result.getErrorCode(), result.getMessage());
        }
    }

    /**
     * The fast create: appends the command durably ({@code acks=all}: in the log of every in-sync replica) and returns
     * without waiting for the aggregate, which will apply it (a create of a fresh id has no other outcome: the caller
     * checked the id is not taken). Reads of the session wait, bounded, for its state ({@link SessionReads#knownSession}).
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
    @Override
    public void record(RoutingDecision decision) {
        producer.send(Topics.ROUTING_DECISIONS, decision.getSessionId(), decision, (metadata, error) -> {
            if (error != null) {
                LoggerFactory.getLogger(CommandBus.class).warn("routing decision {} for session {} not recorded: {}",
                        decision.getDecisionId(), decision.getSessionId(), error.toString());
            }
        });
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

    /** Sends a command and waits, bounded, for the aggregate's answer; a timeout is thrown. */
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
    @Override
    public CommandResult sendOrUnavailable(SessionCommand command) throws InterruptedException {
        Duration timeout = Duration.ofSeconds(10);
        try {
            return send(command, timeout);
        } catch (TimeoutException e) {
            throw new ApiError(ErrorCode.UNAVAILABLE,
                    "the session aggregate did not answer within " + timeout.toSeconds() + " s; retry with the same Idempotency-Key");
        }
    }

    /** Whether this gateway created the session a moment ago (its state may not be in the views yet). */
    boolean createdHere(long id) {
        return createdHere.getIfPresent(id) != null;
    }

    /** The session of a create of this order answered here in the last 30 s, or null. */
    Long appendedOrder(long merchantId, String orderId) {
        return appendedOrders.getIfPresent(merchantId + "|" + orderId);
    }

    @PreDestroy
    @Override
    public void close() {
        running = false;
        results.wakeup();
    }
}
