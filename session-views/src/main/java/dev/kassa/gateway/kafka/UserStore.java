package dev.kassa.gateway.kafka;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.MerchantUser;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;

/** The dashboard's users by e-mail: a replica of {@code kassa.merchant-users} (few per merchant), written read-your-writes. */
@Context // started with the gateway: its replica (or results reader) is caught up before the first request needs it
public final class UserStore implements AutoCloseable {

    private final TopicProducer producer;
    private final Replica<String, MerchantUser> users;

    UserStore(KafkaAccess access, TopicProducer producer) {
        this.producer = producer;
        users = new Replica<>(access, Topics.MERCHANT_USERS.name(), Serdes.String().deserializer(),
                Topics.MERCHANT_USERS.valueSerde().deserializer(), (email, before, user) -> { });
    }

    /** Whether the replica has caught up with what the topic held at start. */
    public boolean loaded() {
        return users.loaded();
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

    @PreDestroy
    @Override
    public void close() {
        users.close();
    }
}
