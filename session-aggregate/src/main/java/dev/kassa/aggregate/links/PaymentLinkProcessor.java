package dev.kassa.aggregate.links;

import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CancelSession;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionCommand;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka shell around {@link PaymentLinkDecider}, in the aggregate's exactly-once application: the link's new state,
 * the create it grants, the cancels of checkouts whose reservation lapsed, and its refusal leave in one transaction
 * with the store's change, so a granted use and its session exist together or not at all, and a released use's
 * checkout is cancelled with its release. The decision's clock is the command's {@code issued_at} (replays decide alike).
 */
final class PaymentLinkProcessor implements Processor<String, byte[], Object, Object> {

    static final String STORE = "payment-links";
    static final String COUNTED_STORE = "payment-link-paid-sessions";
    private static final byte[] COUNTED = {1};
    static final String LINKS_SINK = "payment-links-sink";
    static final String GRANTS_SINK = "payment-link-grants-sink";
    static final String RESULTS_SINK = "payment-link-results-sink";
    private static final Logger LOG = LoggerFactory.getLogger(PaymentLinkProcessor.class);

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, PaymentLink> links;
    private KeyValueStore<String, byte[]> counted;

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.links = context.getStateStore(STORE);
        this.counted = context.getStateStore(COUNTED_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        PaymentLinkCommand command;
        try {
            command = (PaymentLinkCommand) Topics.PAYMENT_LINK_COMMANDS.valueSerde().deserializer()
                    .deserialize(Topics.PAYMENT_LINK_COMMANDS.name(), record.value());
        } catch (SerializationException | ClassCastException e) {
            LOG.warn("skipped an undecodable payment-link command for key {}: {}", record.key(), e.getMessage());
            return;
        }
        if (command == null || !command.getLinkId().equals(record.key())) {
            return;
        }
        SessionCommand create = null;
        if (command.getPayload() instanceof OpenLink open) {
            create = grantable(command, open);
            if (create == null) {
                LOG.warn("skipped an open of link {} whose session command is not a create of session {}", command.getLinkId(), open.getSessionId());
                return;
            }
        }
        String linkId = command.getLinkId();
        PaymentLink before = links.get(linkId);
        PaymentLinkDecider.Migrated migrated = PaymentLinkDecider.migrate(before);
        if (migrated != null) {
            // A record from before paid uses were counted instead of listed: its paid sessions move to the counted set.
            for (long session : migrated.paidSessions()) {
                counted.put(countedKey(linkId, session), COUNTED);
            }
            before = migrated.link();
            links.put(linkId, before);
        }
        Instant now = command.getIssuedAt();
        PaymentLinkDecider.Decision decision = PaymentLinkDecider.decide(before, command, now,
                session -> counted.get(countedKey(linkId, session)) != null);
        if (decision.countedPaid() != null) {
            counted.put(countedKey(linkId, decision.countedPaid()), COUNTED);
        }
        if (decision.next() == null && migrated != null) {
            context.forward(new Record<>(linkId, before, record.timestamp()), LINKS_SINK);
        }
        if (decision.next() != null) {
            links.put(command.getLinkId(), decision.next());
            context.forward(new Record<>(command.getLinkId(), decision.next(), record.timestamp()), LINKS_SINK);
        }
        for (long session : decision.lapsed()) {
            // The reservation lapsed with no payment attempt: the use is released, so the checkout must not be paid any
            // more. One id per session: a repeat (a replay) is a duplicate at the aggregate, and a cancel of a session
            // that moved on meanwhile is refused there without harm.
            SessionCommand cancel = SessionCommand.newBuilder().setCommandId("link-reservation-lapsed-" + session).setSessionId(session)
                    .setMerchantId(before.getMerchantId()).setIssuedAt(now).setActor("payment-link")
                    .setPayload(new CancelSession("the payment link's reservation lapsed before a payment was started")).build();
            context.forward(new Record<>(session, cancel, record.timestamp()), GRANTS_SINK);
        }
        if (decision.granted()) {
            context.forward(new Record<>(create.getSessionId(), create, record.timestamp()), GRANTS_SINK);
        } else if (decision.refusal() != null && create != null) {
            PaymentLinkDecider.Refusal refusal = decision.refusal();
            // Answered where the gateway awaits the create's own answer: on the results topic, under the create's id.
            CommandResult result = CommandResult.newBuilder().setCommandId(create.getCommandId())
                    .setSessionId(refusal.heldSession() != null ? refusal.heldSession() : create.getSessionId())
                    .setCommandType("OpenLink").setOutcome(CommandOutcome.REJECTED).setErrorCode(refusal.code().code())
                    .setMessage(refusal.message()).setDecidedAt(now).build();
            context.forward(new Record<>(result.getSessionId(), result, record.timestamp()), RESULTS_SINK);
        }
    }

    private static String countedKey(String linkId, long session) {
        return linkId + "/" + session;
    }

    /** The buffer's remaining bytes (not its backing array, which may hold more). */
    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** The open's session command, when it is a create of the open's session for the link's merchant; else null. */
    private static SessionCommand grantable(PaymentLinkCommand command, OpenLink open) {
        try {
            SessionCommand create = (SessionCommand) Topics.SESSION_COMMANDS.valueSerde().deserializer()
                    .deserialize(Topics.SESSION_COMMANDS.name(), bytes(open.getSessionCommand()));
            boolean ok = create != null && create.getPayload() instanceof CreateSession
                    && create.getSessionId() == open.getSessionId() && create.getMerchantId() == command.getMerchantId();
            return ok ? create : null;
        } catch (SerializationException | ClassCastException e) {
            return null;
        }
    }
}
