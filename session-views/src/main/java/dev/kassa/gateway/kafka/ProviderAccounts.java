package dev.kassa.gateway.kafka;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.ProviderAccount;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The operator's accounts at live providers: a replica of {@code kassa.provider-accounts} (one record per provider),
 * written read-your-writes by the operator API. The keys stay sealed here; the connector opens them.
 */
@Context // started with the gateway: a configured provider takes payments from the first request
public final class ProviderAccounts implements AutoCloseable {

    private final TopicProducer producer;
    private final Replica<String, ProviderAccount> accounts;

    ProviderAccounts(KafkaAccess access, TopicProducer producer) {
        this.producer = producer;
        accounts = new Replica<>(access, Topics.PROVIDER_ACCOUNTS.name(), Serdes.String().deserializer(),
                Topics.PROVIDER_ACCOUNTS.valueSerde().deserializer(), (slug, before, after) -> { });
    }

    /** The account at {@code provider}, if the operator added one. */
    public Optional<ProviderAccount> account(String provider) {
        return Optional.ofNullable(accounts.get(provider));
    }

    /** Every account (a copy; there are few). */
    public List<ProviderAccount> all() {
        return accounts.snapshot();
    }

    /** Writes an account and waits until this gateway uses it. */
    public ProviderAccount put(ProviderAccount account, Duration timeout) throws Exception {
        producer.send(Topics.PROVIDER_ACCOUNTS, account.getProvider(), account).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return accounts.await(account.getProvider(), a -> a.getChangedAt().equals(account.getChangedAt()), timeout);
    }

    /** Removes an account (a tombstone) and waits until this gateway no longer uses it; false if it did not in time. */
    public boolean remove(String provider, Duration timeout) throws Exception {
        producer.send(Topics.PROVIDER_ACCOUNTS, provider, null).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return accounts.awaitGone(provider, timeout);
    }

    @PreDestroy
    @Override
    public void close() {
        accounts.close();
    }
}
