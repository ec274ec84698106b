package dev.kassa.cli;

import dev.kassa.log.Redeliveries;
import dev.kassa.schemas.Topics;
import dev.kassa.model.SessionView;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.SessionStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa redeliver}: send webhooks again, with their original event_id and body, marked as redeliveries. */
@Command(name = "redeliver", mixinStandardHelpOptions = true,
        description = "Ask the relay to send webhooks again: one event (--event), one session (--session), or a time range "
                + "(--from/--to, ISO-8601). The body is rebuilt from the event log exactly as first sent.")
final class RedeliverCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers.")
    String bootstrap;

    @Option(names = "--session", description = "Every webhook of this session.")
    Long session;

    @Option(names = "--event", description = "This event's webhook (evt_<session>_<sequence>).")
    String event;

    @Option(names = "--from", description = "Events at or after this instant, e.g. 2026-02-25T12:00:00Z.")
    String from;

    @Option(names = "--to", description = "Events before this instant.")
    String to;

    @Option(names = "--endpoint", description = "To this webhook endpoint (we_...) only; default: the merchant's first.")
    String endpoint;

    @Option(names = "--merchant", description = "Only this merchant's events.")
    Long merchant;

    @Option(names = "--status", description = "Only events that moved a session to this status (paid, failed, refunded, ...).")
    String status;

    @Option(names = "--operator", defaultValue = "${sys:user.name}", description = "Who asks (recorded with each request).")
    String operator;

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Redeliveries.Selection selection;
        try {
            selection = new Redeliveries.Selection(session, event, instant(from, "--from"), instant(to, "--to"), endpoint, merchant,
                    status(status));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + ".");
        }
        List<RedeliveryRequest> requests = Redeliveries.fromLog(kafka.access(bootstrap), selection, "operator:" + operator, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (requests.isEmpty()) {
            throw new UserError("no event matched; check --session, --event or the time range.");
        }
        try (KafkaProducer<Long, RedeliveryRequest> producer = new KafkaProducer<>(kafka.access(bootstrap).config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all")),
                Topics.WEBHOOK_REDELIVERIES.keySerde().serializer(), Topics.WEBHOOK_REDELIVERIES.valueSerde().serializer())) {
            for (RedeliveryRequest request : requests) {
                producer.send(new ProducerRecord<>(Topics.WEBHOOK_REDELIVERIES.name(), request.getSessionId(), request));
                out.println("  " + request.getEventId());
            }
            producer.flush();
        }
        out.println("kassa redeliver: " + requests.size() + " webhook(s) queued for redelivery; attempts appear on "
                + Topics.WEBHOOK_ATTEMPTS.name() + " with redelivery=true.");
        out.flush();
        return 0;
    }

    private static SessionStatus status(String value) {
        return value == null ? null : SessionView.statusOf(value).orElseThrow(() -> new UserError("--status '" + value
                + "' is not a session status: created, pending, paid, failed, expired, cancelled, review or refunded."));
    }

    /** An ISO-8601 instant given as {@code option}, or null when not given; refused with a sentence that shows one. */
    static Instant instant(String value, String option) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UserError(option + " '" + value + "' is not an ISO-8601 instant; write e.g. 2026-02-25T12:00:00Z.");
        }
    }
}
