package dev.kassa.cli;

import dev.kassa.aggregate.app.EventLogReplay;
import dev.kassa.aggregate.app.ReplayVerification;
import dev.kassa.schemas.avro.SessionState;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa replay --verify}: fold the whole event log and compare it with the state topic. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Fold the whole events topic and compare with the state topic (--verify). Works on a live cluster. "
                + "Exit code 0: no mismatch; 3: mismatches (listed).")
final class ReplayCommand implements Callable<Integer> {

    static final int MISMATCH = 3;

    @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers.")
    String bootstrap;

    @Option(names = "--verify", required = true, description = "Compare the replayed state with the state topic.")
    boolean verify;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        Map<Long, SessionState> replayed = EventLogReplay.foldEventsTopic(bootstrap);
        Map<Long, SessionState> published = EventLogReplay.readStateTopic(bootstrap);
        ReplayVerification.Report report = ReplayVerification.compare(replayed, published);
        double seconds = (System.nanoTime() - started) / 1e9;
        report.mismatches().forEach(m -> out.println("  MISMATCH " + m));
        out.printf("kassa replay: %,d sessions compared in %.1f s, %,d moved on while reading, %,d mismatch(es)%n",
                report.checked(), seconds, report.inFlight(), report.mismatches().size());
        out.flush();
        return report.ok() ? 0 : MISMATCH;
    }
}
