package dev.kassa.aggregate.links;

import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.PaymentLink;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The payment-link fold's part of the aggregate's topology. */
public final class PaymentLinkTopology {

    private PaymentLinkTopology() {
    }

    /**
     * The payment-link fold (SPEC.md, payment links), in the aggregate's exactly-once application: link commands in; link state, the
     * creates it grants (to the session commands) and its refusals (to the results) out. A second source reads the
     * session state back and tells the fold how each link session goes. Added after the sessions' sub-topology, so
     * the sessions' task ids stay what they were.
     */
    public static void add(Topology topology) {
        topology.addSource("link-commands", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.PAYMENT_LINK_COMMANDS.name());
        topology.addProcessor("payment-link-fold", PaymentLinkProcessor::new, "link-commands");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PaymentLinkProcessor.STORE),
                Serdes.String(), new AvroSerde<>(PaymentLink.class)), "payment-link-fold");
        // Which link sessions were counted paid: one small entry per paid session, so a link's own record stays small.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PaymentLinkProcessor.COUNTED_STORE),
                Serdes.String(), Serdes.ByteArray()), "payment-link-fold");
        topology.addSink(PaymentLinkProcessor.LINKS_SINK, Topics.PAYMENT_LINKS.name(), Topics.PAYMENT_LINKS.keySerde().serializer(),
                Topics.PAYMENT_LINKS.valueSerde().serializer(), "payment-link-fold");
        topology.addSink(PaymentLinkProcessor.GRANTS_SINK, Topics.SESSION_COMMANDS.name(), Topics.SESSION_COMMANDS.keySerde().serializer(),
                Topics.SESSION_COMMANDS.valueSerde().serializer(), "payment-link-fold");
        topology.addSink(PaymentLinkProcessor.RESULTS_SINK, Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().serializer(),
                Topics.COMMAND_RESULTS.valueSerde().serializer(), "payment-link-fold");
        topology.addSource("link-session-states", Serdes.Long().deserializer(), Serdes.ByteArray().deserializer(), Topics.SESSION_STATE.name());
        topology.addProcessor("link-session-forwarder", LinkSessionForwarder::new, "link-session-states");
        topology.addSink(LinkSessionForwarder.SINK, Topics.PAYMENT_LINK_COMMANDS.name(), Topics.PAYMENT_LINK_COMMANDS.keySerde().serializer(),
                Topics.PAYMENT_LINK_COMMANDS.valueSerde().serializer(), "link-session-forwarder");
    }
}
