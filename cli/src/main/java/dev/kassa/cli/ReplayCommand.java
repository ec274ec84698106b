package dev.kassa.cli;

import dev.kassa.aggregate.app.AggregateRebuild;
import dev.kassa.log.EventLogReplay;
import dev.kassa.aggregate.app.ReplayVerification;
import dev.kassa.schemas.avro.SessionState;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kassa replay --verify}: fold the whole event log and compare it with the state topic.
 * {@code kassa replay --rebuild}: make the aggregate's state again from the event log (see {@link AggregateRebuild}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"--verify: fold the whole events topic and compare with the state topic; works on a live cluster. "
                + "Exit code 0: no mismatch; 3: mismatches (listed).",
                "--rebuild: rebuild the aggregate's stores and the state topic from the events topic. Stop every "
                        + "`kassa aggregate` instance first (the gateway and the relay may keep running); start them again after."})
final class ReplayCommand implements Callable<Integer> {

    static final int MISMATCH = 3;

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers.")
    String bootstrap;

    @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Mode mode;

    static final class Mode {
        @Option(names = "--verify", required = true, description = "Compare the replayed state with the state topic.")
        boolean verify;

        @Option(names = "--rebuild", required = true, description = "Rebuild the aggregate's state from the events.")
        boolean rebuild;
    }

    @Option(names = "--application-id", defaultValue = "kassa-aggregate",
            description = "With --rebuild: the aggregate's application id (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Mixin
    KafkaClientOptions kafka;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (mode.rebuild) {
            return rebuild(out);
        }
        long started = System.nanoTime();
        Map<Long, SessionState> replayed = EventLogReplay.foldEventsTopic(kafka.access(bootstrap));
        Map<Long, SessionState> published = EventLogReplay.readStateTopic(kafka.access(bootstrap));
        ReplayVerification.Report report = ReplayVerification.compare(replayed, published);
        double seconds = (System.nanoTime() - started) / 1e9;
        report.mismatches().forEach(m -> out.println("  MISMATCH " + m));
        out.printf("kassa replay: %,d sessions compared in %.1f s, %,d moved on while reading, %,d mismatch(es)%n",
                report.checked(), seconds, report.inFlight(), report.mismatches().size());
        out.flush();
        return report.ok() ? 0 : MISMATCH;
    }

    private int rebuild(PrintWriter out) throws InterruptedException {
        boolean tty = System.console() != null;
        AggregateRebuild.Result result;
        try {
            result = AggregateRebuild.run(kafka.access(bootstrap), applicationId, (read, total, rate) -> {
                if (tty) {
                    int width = 30;
                    int done = total <= 0 ? width : (int) Math.min(width, read * width / total);
                    out.printf("\r  [%s%s] %,d of %,d events  %,.0f events/s ", "#".repeat(done), " ".repeat(width - done), read, total, rate);
                    out.flush();
                }
            });
        } catch (AggregateRebuild.Refused e) {
            throw new UserError(e.getMessage() + ".");
        }
        if (tty) {
            out.println();
        }
        out.printf("kassa replay --rebuild: %,d events folded into %,d sessions in %.1f s (%,.0f events/s); %,d state(s) corrected, "
                        + "%,d removed (no events), %,d expiry entries written. Start the aggregate again: it restores this state.%n",
                result.events(), result.sessions(), result.seconds(), result.events() / Math.max(0.001, result.seconds()),
                result.statesCorrected(), result.statesRemoved(), result.expiryEntries());
        out.flush();
        return 0;
    }
}
