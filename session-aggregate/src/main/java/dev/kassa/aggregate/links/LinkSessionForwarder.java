package dev.kassa.aggregate.links;

import dev.kassa.model.PaymentLinkMeta;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.LinkSessionChanged;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionState;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Tells the payment-link fold how its sessions go: reads {@code kassa.session-state}, and for a session made through a
 * link ({@code meta.payment_link}, which only the gateway's link page sets) sends a {@link LinkSessionChanged} keyed by
 * the link. Every other session costs a byte search and no decoding.
 */
final class LinkSessionForwarder implements Processor<Long, byte[], String, PaymentLinkCommand> {

    static final String SINK = "link-session-changes-sink";
    private static final byte[] MARK = "\"payment_link\"".getBytes(StandardCharsets.UTF_8);

    private ProcessorContext<String, PaymentLinkCommand> context;

    @Override
    public void init(ProcessorContext<String, PaymentLinkCommand> context) {
        this.context = context;
    }

    @Override
    public void process(Record<Long, byte[]> record) {
        if (record.value() == null || !contains(record.value(), MARK)) {
            return;
        }
        SessionState state = (SessionState) Topics.SESSION_STATE.valueSerde().deserializer().deserialize(Topics.SESSION_STATE.name(), record.value());
        String link = PaymentLinkMeta.linkOf(state.getMetaJson());
        if (link == null) {
            return;
        }
        PaymentLinkCommand changed = PaymentLinkCommand.newBuilder()
                .setCommandId("session-" + state.getSessionId() + "-" + state.getSequence())
                .setLinkId(link).setMerchantId(state.getMerchantId()).setIssuedAt(state.getUpdatedAt())
                .setPayload(LinkSessionChanged.newBuilder().setSessionId(state.getSessionId()).setStatus(state.getStatus())
                        .setAttempted(state.getAttemptId() != null).setExpiresAt(state.getExpiresAt())
                        .setGraceSeconds(state.getGraceSeconds()).build())
                .build();
        context.forward(new Record<>(link, changed, record.timestamp()), SINK);
    }


    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
