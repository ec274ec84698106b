package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.chaos.ChaosCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short {@code kassa chaos}: three Kafka nodes and the aggregate, the relay and two gateways each in its own process,
 * creates at a low steady rate, each cancelled or paid (callbacks three times) and partly refunded; one fault of each
 * kind: a broker killed with SIGKILL and started again, a broker paused with SIGSTOP, the aggregate, the relay and the
 * one gateway of two killed with SIGKILL and started again, a webhook receiver answering 2 s late. What it injects and what it found
 * are printed (a row per fault); it passes when nothing acknowledged was lost, no session created or paid twice, no
 * refund counted twice, every sequence gapless, and every event in the log delivered as a signed webhook, with none for an
 * event the log does not hold. How fast the load recovered is printed, not asserted (timing belongs to benchmarks).
 */
class ChaosTest {

    @TempDir
    Path dir;

    @Test
    // ~240 s in CI; the suite's 5-minute default left too little room on a busy machine (a fresh-clone run timed out at
    // 301 s in the checker). The guard is against a hang, not a measure of speed.
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void one_fault_of_each_kind_loses_and_doubles_nothing_acknowledged() throws Exception {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text, true);
        ChaosCommand.Report report = ChaosCommand.run(Kassa.class, dir, 90, 3, out);
        ChaosCommand.print(report, out);
        System.out.println(text);
        // CI shows a failing assertion's message, not always the test's output: each one carries the run's report.
        String run = "\n" + text;
        assertThat(report.faults()).extracting(ChaosCommand.FaultRow::fault).containsExactly(ChaosCommand.Fault.values());
        assertThat(report.acknowledged()).as("creates acknowledged" + run).isPositive();
        assertThat(report.payments()).as("payments seen paid" + run).isPositive();
        assertThat(report.refunds()).as("refunds acknowledged" + run).isPositive();
        assertThat(report.cancels()).as("cancels acknowledged" + run).isPositive();
        assertThat(report.lost()).as("acknowledged creates, cancels or payments lost" + run).isZero();
        assertThat(report.doubled()).as("sessions created twice" + run).isZero();
        assertThat(report.paidTwice()).as("sessions paid twice (the duplicate callbacks)" + run).isZero();
        assertThat(report.refundsWrong()).as("acknowledged refunds not recorded exactly once" + run).isZero();
        assertThat(report.gap()).as("a gap in a session's sequence" + run).isNull();
        assertThat(report.webhooksUndelivered()).as("events in the log whose webhook never arrived" + run).isZero();
        assertThat(report.webhooksPhantom()).as("webhooks for events the log does not hold (aborted transactions)" + run).isZero();
        assertThat(report.webhooksBadlySigned()).as("webhooks whose signature does not verify" + run).isZero();
    }
}
