package dev.kassa.relay.stream;

import dev.kassa.relay.delivery.DeliveryLanes;
import dev.kassa.relay.delivery.Dispatcher;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookDelivery;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The webhook relay as a second fold: session events enqueue webhooks, attempts (read back from the attempts topic)
 * move each session's queue on. Merchants are a global store. The queue, the due index and the session details
 * needed for the body are changelogged stores, so pending retries survive restarts and rebalances.
 */
public final class RelayTopology {

    static final String MERCHANTS_STORE = "relay-merchants";
    static final String ENDPOINT_STATUS_STORE = "relay-endpoint-status";
    static final String SESSIONS_STORE = "relay-sessions";
    /** Queues per session and endpoint (key: session, endpoint key, sequence). */
    static final String DELIVERIES_STORE = "relay-endpoint-deliveries";
    /** (session, endpoint) → how many webhooks its queue holds (QueueLengths). */
    static final String QUEUE_LENGTHS_STORE = "relay-queue-lengths";
    /** Due heads (key: endpoint key, due time, session → merchant id): {@link DueIndex}. */
    static final String DUE_STORE = "relay-due-by-endpoint";
    /** Due heads as an older relay indexed them (key: due time, session, endpoint key): read once after an upgrade. */
    static final String TIME_ORDERED_DUE_STORE = "relay-endpoint-due";
    /** Since when each endpoint has failed without a success, in this task's partitions (key: endpoint key). */
    static final String HEALTH_STORE = "relay-endpoint-health";
    /** The stores before endpoints (one queue per session): read once after an upgrade, emptied, then idle. */
    static final String LEGACY_DELIVERIES_STORE = "relay-deliveries";
    static final String LEGACY_DUE_STORE = "relay-due";
    static final String PROCESSOR = "relay";

    private RelayTopology() {
    }

    public static Topology build(RelaySettings settings, Dispatcher dispatcher, AttemptSink sink) {
        return build(settings, new DeliveryLanes(dispatcher, settings.lanes(), settings.clock()), sink);
    }

    /** With the lanes of the relay that runs it (it closes them, and forgets their meters, when it stops). */
    public static Topology build(RelaySettings settings, DeliveryLanes lanes, AttemptSink sink) {
        Topology topology = new Topology();
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MERCHANTS_STORE),
                        Serdes.Long(), new AvroSerde<>(Merchant.class)).withLoggingDisabled(),
                "merchants", Topics.MERCHANTS.keySerde().deserializer(), Topics.MERCHANTS.valueSerde().deserializer(),
                Topics.MERCHANTS.name(), "merchants-loader", () -> new TableLoader<>(MERCHANTS_STORE));
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ENDPOINT_STATUS_STORE),
                        Serdes.Long(), new AvroSerde<>(WebhookEndpointStatus.class)).withLoggingDisabled(),
                "endpoint-status", Topics.WEBHOOK_ENDPOINT_STATUS.keySerde().deserializer(),
                Topics.WEBHOOK_ENDPOINT_STATUS.valueSerde().deserializer(), Topics.WEBHOOK_ENDPOINT_STATUS.name(),
                "endpoint-status-loader", () -> new TableLoader<>(ENDPOINT_STATUS_STORE));
        topology.addSource("events", Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(),
                Topics.SESSION_EVENTS.name());
        topology.addSource("attempts", Topics.WEBHOOK_ATTEMPTS.keySerde().deserializer(), Topics.WEBHOOK_ATTEMPTS.valueSerde().deserializer(),
                Topics.WEBHOOK_ATTEMPTS.name());
        topology.addSource("redeliveries", Topics.WEBHOOK_REDELIVERIES.keySerde().deserializer(),
                Topics.WEBHOOK_REDELIVERIES.valueSerde().deserializer(), Topics.WEBHOOK_REDELIVERIES.name());
        // One throttle and one set of lanes per relay instance, shared by its tasks.
        EndpointThrottle throttle = new EndpointThrottle();
        RelayMetrics.watch(lanes);
        topology.addProcessor(PROCESSOR, () -> new DeliveryProcessor(settings, lanes, sink, throttle), "events", "attempts",
                "redeliveries");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.Long(), new AvroSerde<>(SessionState.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DELIVERIES_STORE),
                Serdes.Bytes(), new AvroSerde<>(WebhookDelivery.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_STORE),
                Serdes.Bytes(), Serdes.Long()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_LENGTHS_STORE),
                Serdes.Bytes(), Serdes.Integer()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEALTH_STORE),
                Serdes.Long(), Serdes.Long()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEGACY_DELIVERIES_STORE),
                Serdes.Bytes(), new AvroSerde<>(WebhookDelivery.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEGACY_DUE_STORE),
                Serdes.Bytes(), Serdes.Long()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TIME_ORDERED_DUE_STORE),
                Serdes.Bytes(), Serdes.Long()), PROCESSOR);
        return topology;
    }

    /** Keeps a global store equal to its compacted topic (merchants, endpoint status). */
    private static final class TableLoader<V> implements Processor<Long, V, Void, Void> {
        private final String storeName;
        private KeyValueStore<Long, V> store;

        TableLoader(String storeName) {
            this.storeName = storeName;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(storeName);
        }

        @Override
        public void process(Record<Long, V> record) {
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }
}
