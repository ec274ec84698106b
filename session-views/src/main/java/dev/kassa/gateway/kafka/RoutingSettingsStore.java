package dev.kassa.gateway.kafka;

import dev.kassa.router.RoutingSetting;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.RoutingSettings;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's routing rules and provider health as data: a replica of {@code kassa.routing-settings}, so every
 * gateway routes with the latest record within a poll (200 ms) of its write, with no restart. The record's offset + 1
 * is its version: the broker orders concurrent writes from two gateways, so two settings never share a version.
 */
@Context // started with the gateway: routing waits for nothing on the first request
public final class RoutingSettingsStore implements RoutingSettingSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoutingSettingsStore.class);

    private final TopicProducer producer;
    private final Replica<String, RoutingSettings> replica;
    private final AtomicReference<RoutingSetting> current = new AtomicReference<>();

    RoutingSettingsStore(KafkaAccess access, TopicProducer producer) {
        this.producer = producer;
        replica = Replica.positioned(access, Topics.ROUTING_SETTINGS.name(), Serdes.String().deserializer(),
                Topics.ROUTING_SETTINGS.valueSerde().deserializer(), this::read);
    }

    private void read(String key, RoutingSettings record, long offset) {
        if (!Topics.ROUTING_SETTINGS_KEY.equals(key)) {
            return;
        }
        if (record == null) {
            current.set(null); // an operator's tombstone: back to each gateway's start-up flags
            return;
        }
        try {
            current.set(setting(record, offset + 1));
        } catch (IllegalArgumentException e) {
            // Written by a release whose catalogue had a provider this one lacks: keep routing with what was in effect.
            LOG.warn("routing settings version {} not applied, the previous ones stay in effect: {}", offset + 1, e.getMessage());
        }
    }

    static RoutingSetting setting(RoutingSettings record, long version) {
        return RoutingSetting.of(version, record.getRules(), record.getUnhealthy(), record.getChangedBy(), record.getChangedAt(),
                record.getNote());
    }

    @Override
    public Optional<RoutingSetting> current() {
        return Optional.ofNullable(current.get());
    }

    /** Whether the replica has read what the topic held at start (until then, {@link #current} may be an older setting). */
    public boolean loaded() {
        return replica.loaded();
    }

    /**
     * Writes new settings (validated by the caller) and waits until this gateway routes with them (read-your-writes);
     * answers the setting now in effect, whose version is at least the written one's (another change may follow at once).
     */
    public RoutingSetting write(RoutingSettings record, Duration timeout) throws Exception {
        RecordMetadata written = send(record, timeout);
        RoutingSetting now = current.get();
        return now != null && now.version() >= written.offset() + 1 ? now : setting(record, written.offset() + 1);
    }

    /** Removes the operator's setting (a tombstone): every gateway routes with its start-up flags again. */
    public void clear(Duration timeout) throws Exception {
        send(null, timeout);
    }

    private RecordMetadata send(RoutingSettings record, Duration timeout) throws Exception {
        RecordMetadata written = producer.send(Topics.ROUTING_SETTINGS, Topics.ROUTING_SETTINGS_KEY, record)
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!replica.awaitPositions(Map.of(new TopicPartition(written.topic(), written.partition()), written.offset() + 1), timeout)) {
            throw new IllegalStateException("routing settings at offset " + written.offset() + " were written but not read back in "
                    + timeout.toSeconds() + " s");
        }
        return written;
    }

    @PreDestroy
    @Override
    public void close() {
        replica.close();
    }
}
