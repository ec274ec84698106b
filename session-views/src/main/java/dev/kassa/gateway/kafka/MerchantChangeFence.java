package dev.kassa.gateway.kafka;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Version-checked changes of a merchant record (issue 27: a concurrent save could bring back a revoked key's hash).
 * Kafka has no compare-and-set, but a transactional id is a lock with a fence: a change opens a transactional producer
 * whose id names the merchant ({@code <views application id>-merchant-<id>}, inside the gateway's transactional-id ACL),
 * which aborts and fences any change of that merchant still in flight on any gateway; only then does it read the
 * record — after this gateway's replica has read everything committed up to now — and write the next one in a
 * transaction. A change that was fenced meanwhile (another one started after it read) fails at its commit and is done
 * again on the newer record: a stale write is refused, and retried, never applied.
 */
final class MerchantChangeFence {

    private static final Logger LOG = LoggerFactory.getLogger(MerchantChangeFence.class);

    /** How often a change is redone when others keep fencing it. */
    static final int ATTEMPTS = 5;

    private final KafkaAccess access;
    private final String transactionalPrefix;
    private final Replica<Long, Merchant> merchants;
    private final KafkaConsumer<byte[], byte[]> ends;
    /** The transaction of the change this thread is inside, if any: {@link #write} sends in it. */
    private final ThreadLocal<KafkaProducer<byte[], byte[]>> current = new ThreadLocal<>();

    MerchantChangeFence(KafkaAccess access, String transactionalPrefix, Replica<Long, Merchant> merchants) {
        this.access = access;
        this.transactionalPrefix = transactionalPrefix;
        this.merchants = merchants;
        this.ends = new KafkaConsumer<>(access.config(Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Runs {@code change} (which reads the merchant and writes it once through {@link #write}) fenced, redoing it if fenced. */
    <T> T change(long merchantId, Callable<T> change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(access.config(Map.of(
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalPrefix + "-merchant-" + merchantId,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)),
                    new ByteArraySerializer(), new ByteArraySerializer());
            try {
                producer.initTransactions(); // aborts and fences any change of this merchant in flight
                if (!merchants.awaitPositions(endOffsets(), Duration.ofSeconds(10))) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "the merchants' records could not be read up to now; retry");
                }
                producer.beginTransaction();
                current.set(producer);
                return change.call();
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                if (attempt >= ATTEMPTS) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "merchant " + merchantId + " is being changed by others right now; retry");
                }
            } catch (TimeoutException e) {
                // The cluster did not answer in time (a broker lost, a coordinator moving): the change was written whole or
                // not at all (a transaction); the caller's retry redoes it on whatever the record is then.
                throw new ApiError(ErrorCode.UNAVAILABLE, "the change could not be written now (Kafka did not answer in time); retry");
            } catch (KafkaException e) {
                // Any other refusal of the transaction (e.g. TransactionAbortableException when another gateway fenced it
                // mid-send): nothing was committed, so the change is redone on the newer record, as a fenced one is.
                LOG.warn("merchant {}: change attempt {} refused by Kafka ({}); redone", merchantId, attempt, e.toString());
                if (attempt >= ATTEMPTS) {
                    throw new ApiError(ErrorCode.UNAVAILABLE, "merchant " + merchantId + " could not be changed right now; retry");
                }
            } finally {
                if (current.get() != null) {
                    // A refused change (bad input) began a transaction and wrote nothing: end it here. Left open, it made
                    // close() wait its whole timeout (5 s on every 400 of the operator API and the dashboard).
                    current.remove();
                    abort(producer);
                }
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    private static void abort(KafkaProducer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // fenced, timed out or in an error state: close() ends it, and the broker aborts what it holds at the
            // transaction timeout
        }
    }

    /** Whether this thread is inside a fenced change (its write must go through {@link #write}). */
    boolean active() {
        return current.get() != null;
    }

    /** Writes the change's record in its transaction, commits, and waits until this gateway's replica has it. */
    Merchant write(Merchant next, Duration timeout) throws Exception {
        KafkaProducer<byte[], byte[]> producer = current.get();
        byte[] key = Topics.MERCHANTS.keySerde().serializer().serialize(Topics.MERCHANTS.name(), next.getMerchantId());
        byte[] value = Topics.MERCHANTS.valueSerde().serializer().serialize(Topics.MERCHANTS.name(), next);
        try {
            producer.send(new ProducerRecord<>(Topics.MERCHANTS.name(), key, value)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            producer.commitTransaction();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException k ? k : e;
        } finally {
            current.remove(); // one write per change
        }
        return merchants.await(next.getMerchantId(), m -> m.getUpdatedAt().equals(next.getUpdatedAt()), timeout);
    }

    private Map<TopicPartition, Long> endOffsets() {
        synchronized (ends) {
            List<TopicPartition> partitions = ends.partitionsFor(Topics.MERCHANTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return ends.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    void close() {
        synchronized (ends) {
            ends.close(Duration.ofSeconds(2));
        }
    }
}
