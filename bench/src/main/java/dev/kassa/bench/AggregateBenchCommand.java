package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.LocalKafka;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kassa bench aggregate}: commands/s through the session aggregate, against the Streams ceiling of the same run. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = "Drive a realistic command mix through the session aggregate on an embedded broker and compare "
                + "with the reference exactly-once aggregate measured in the same run.")
public final class AggregateBenchCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "PT110S", converter = DurationConverter.class,
            description = "Upper bound for the measured phases (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--sessions", defaultValue = "300000", description = "Sessions in the mix, about 3.2 commands each (default: ${DEFAULT-VALUE}).")
    long sessions;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(30)) > 0 || sessions < 1) {
            System.err.println("kassa bench: --duration must be between 1 s and 30 min and --sessions at least 1.");
            return 2;
        }
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            if (!json) {
                System.out.println("aggregate: " + kafka.description() + ", " + sessions + " sessions, at most " + duration.toSeconds() + " s measured ...");
            }
            Duration ceilingShare = duration.multipliedBy(35).dividedBy(100);
            double ceiling = new KafkaCeiling(kafka, ceilingShare).streamsAggregateRate(ceilingShare);
            AggregateBenchmark.Result r = new AggregateBenchmark(kafka, duration.minus(ceilingShare)).run(sessions);
            double ratio = ceiling == 0 ? 0 : r.commandsPerSecond() / ceiling;
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("benchmark", "aggregate");
            figures.put("machine", Machine.current().toMap());
            figures.put("sessions", r.sessions());
            figures.put("commands", r.commands());
            figures.put("commands_answered", r.results());
            figures.put("expiries", r.expired());
            figures.put("aggregate_commands_per_s", Math.round(r.commandsPerSecond()));
            figures.put("ceiling_streams_eos_records_per_s", Math.round(ceiling));
            figures.put("ratio_to_ceiling", Math.round(ratio * 100) / 100.0);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(figures));
            } else {
                Machine m = Machine.current();
                System.out.printf("machine: %d cores, %s%n", m.cores(), m.java());
                System.out.printf("session aggregate:          %,10d commands/s  (%,d of %,d commands answered, %,d expiries)%n",
                        Math.round(r.commandsPerSecond()), r.results(), r.commands(), r.expired());
                System.out.printf("reference EOS aggregate:    %,10d records/s   (same broker, same run)%n", Math.round(ceiling));
                System.out.printf("ratio:                      %10.2f%n", ratio);
            }
        }
        return 0;
    }
}
