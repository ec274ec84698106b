package dev.kassa.aggregate.stream;

import dev.kassa.aggregate.links.PaymentLinkTopology;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The session aggregate: commands in; events, state snapshots, command results and the public payment events out. One processor holds the
 * sessions (RocksDB, changelogged) and the expiry index beside them, so a decision and its outputs commit as one
 * exactly-once transaction.
 */
public final class SessionTopology {

    static final String SOURCE = "commands";
    static final String PROCESSOR = "session-aggregate";
    static final String EVENTS_SINK = "events-sink";
    static final String STATE_SINK = "state-sink";
    static final String RESULTS_SINK = "results-sink";
    static final String PAYMENT_EVENTS_SINK = "payment-events-sink";
    static final String SESSIONS_STORE = "sessions";

    private SessionTopology() {
    }

    /** Builds the topology; Kafka Streams' config (exactly-once, commit interval) is the caller's. */
    @SuppressWarnings("unchecked")
    public static Topology build(AggregateSettings settings) {
        Topology topology = new Topology();
        // Commands are decoded inside the processor, so that a record that cannot be decoded gets a rejected result.
        topology.addSource(SOURCE, Serdes.Long().deserializer(), Serdes.ByteArray().deserializer(), Topics.SESSION_COMMANDS.name());
        topology.addProcessor(PROCESSOR, () -> new SessionCommandProcessor(settings), SOURCE);
        // Cached: a session's create, attempt and report usually land within one commit interval, and the cache
        // turns their three changelog writes into one.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSIONS_STORE),
                Serdes.Long(), new AvroSerde<>(SessionState.class)).withCachingEnabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ExpiryIndex.STORE),
                Serdes.Bytes(), Serdes.Long()).withCachingEnabled(), PROCESSOR);
        StreamPartitioner<SessionEventKey, SessionEvent> bySession =
                (StreamPartitioner<SessionEventKey, SessionEvent>) (StreamPartitioner<?, ?>) new SessionEventPartitioner();
        topology.addSink(EVENTS_SINK, Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().serializer(),
                Topics.SESSION_EVENTS.valueSerde().serializer(), bySession, PROCESSOR);
        topology.addSink(STATE_SINK, Topics.SESSION_STATE.name(), Topics.SESSION_STATE.keySerde().serializer(),
                Topics.SESSION_STATE.valueSerde().serializer(), PROCESSOR);
        topology.addSink(RESULTS_SINK, Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().serializer(),
                Topics.COMMAND_RESULTS.valueSerde().serializer(), PROCESSOR);
        topology.addSink(PAYMENT_EVENTS_SINK, Topics.PAYMENT_EVENTS.name(), Topics.PAYMENT_EVENTS.keySerde().serializer(),
                Topics.PAYMENT_EVENTS.valueSerde().serializer(), PROCESSOR);
        PaymentLinkTopology.add(topology);
        return topology;
    }
}
