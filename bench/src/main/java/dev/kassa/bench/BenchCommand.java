package dev.kassa.bench;

import picocli.CommandLine.Command;

/** {@code kassa bench}: bounded benchmarks that print a summary, or one JSON object with {@code --json}. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {KafkaCeilingCommand.class, AggregateBenchCommand.class, ExpiryBenchCommand.class, RelayBenchCommand.class, GatewayBenchCommand.class, FeedBenchCommand.class, LinkBenchCommand.class},
        description = "Run a benchmark for a bounded time; results belong in docs/BENCHMARKS.md.")
public final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a benchmark: kafka-ceiling, aggregate, expiry, relay or gateway");
    }
}
