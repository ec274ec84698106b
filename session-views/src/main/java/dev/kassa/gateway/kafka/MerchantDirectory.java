package dev.kassa.gateway.kafka;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.MerchantView;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The merchants as this gateway knows them: a replica of {@code kassa.merchants} (the gateway is its one writer) with
 * the relay's endpoint facts folded in, the index from an API key's hash to its merchant, and fenced read-modify-writes
 * of one merchant's record ({@link MerchantChangeFence}).
 */
@Context // started with the gateway: its replica (or results reader) is caught up before the first request needs it
public final class MerchantDirectory implements MerchantRecords, AutoCloseable {

    private final Clock clock;
    private final TopicProducer producer;
    private final Map<String, Long> merchantByKeyHash = new ConcurrentHashMap<>();
    private final Replica<Long, Merchant> merchants;
    private final Replica<Long, WebhookEndpointStatus> endpointStatus;
    private final MerchantChangeFence fence;

    MerchantDirectory(KafkaAccess access, TopicProducer producer, Clock clock, GatewaySettings settings) {
        this.clock = clock;
        this.producer = producer;
        merchants = new Replica<>(access, Topics.MERCHANTS.name(), Serdes.Long().deserializer(),
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
        endpointStatus = new Replica<>(access, Topics.WEBHOOK_ENDPOINT_STATUS.name(), Serdes.Long().deserializer(),
                Topics.WEBHOOK_ENDPOINT_STATUS.valueSerde().deserializer(), (id, before, status) -> { });
        fence = new MerchantChangeFence(access, settings.viewsApplicationId(), merchants);
    }

    /** Whether the replicas have caught up with what the topics held at start. */
    public boolean loaded() {
        return merchants.loaded() && endpointStatus.loaded();
    }

    /**
     * Runs a read-modify-write of one merchant's record fenced against every other change of it ({@link MerchantChangeFence}):
     * {@code change} reads the record ({@link #merchantRecord}) and writes it once ({@link #putMerchant}); if another
     * change got in between, it is done again on the newer record.
     */
    @Override
    public <T> T changeMerchant(long merchantId, Callable<T> change) throws Exception {
        return fence.change(merchantId, change);
    }

    /**
     * Writes a merchant profile and waits until this gateway's replica has it (read-your-writes); inside
     * {@link #changeMerchant}, in the change's transaction.
     */
    @Override
    public Merchant putMerchant(Merchant merchant, Duration timeout) throws Exception {
        if (fence.active()) {
            return fence.write(merchant, timeout);
        }
        producer.send(Topics.MERCHANTS, merchant.getMerchantId(), merchant).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return merchants.await(merchant.getMerchantId(), m -> m.getUpdatedAt().equals(merchant.getUpdatedAt()), timeout);
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
    @Override
    public Merchant merchantRecord(long id) {
        return merchants.get(id);
    }

    /** The relay's fact about the endpoint with this key (the first endpoint's key is the merchant id), or null. */
    public WebhookEndpointStatus endpointFact(long endpointKey) {
        return endpointStatus.get(endpointKey);
    }

    /** Every merchant record as the gateway wrote it (for operator-wide changes such as resealing secrets). */
    public List<Merchant> merchantRecords() {
        return merchants.snapshot();
    }

    @PreDestroy
    @Override
    public void close() {
        fence.close();
        merchants.close();
        endpointStatus.close();
    }
}
