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

/** {@code kassa bench kafka-ceiling}: what this machine's Kafka can do, the yardstick for Kassa's own figures. */
@Command(name = "kafka-ceiling", mixinStandardHelpOptions = true,
        description = "Measure raw producer and consumer records/s and a Kafka Streams exactly-once aggregate "
                + "(400-byte payloads and state) on an embedded broker, or on --bootstrap.")
public final class KafkaCeilingCommand implements Callable<Integer> {

    @Option(names = "--duration", defaultValue = "PT90S", description = "Upper bound for the whole run, ISO-8601 or seconds (default: ${DEFAULT-VALUE}).",
            converter = DurationConverter.class)
    Duration duration;

    @Option(names = "--bootstrap", description = "Measure this cluster instead of an embedded broker.")
    String bootstrap;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(30)) > 0) {
            System.err.println("kassa bench: --duration must be between 1 s and 30 min, not " + duration.toSeconds() + " s.");
            return 2;
        }
        try (KafkaCluster kafka = bootstrap == null ? LocalKafka.startTemporary() : ExternalCluster.at(bootstrap)) {
            if (!json) {
                System.out.println("kafka-ceiling: " + kafka.description() + ", at most " + duration.toSeconds() + " s ...");
            }
            KafkaCeiling.Result result = new KafkaCeiling(kafka, duration).run();
            Map<String, Object> figures = figures(kafka, result);
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(figures));
            } else {
                printSummary(result);
            }
        }
        return 0;
    }

    private Map<String, Object> figures(KafkaCluster kafka, KafkaCeiling.Result result) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("benchmark", "kafka-ceiling");
        figures.put("cluster", kafka.description());
        figures.put("machine", Machine.current().toMap());
        figures.put("payload_bytes", KafkaCeiling.PAYLOAD_BYTES);
        figures.put("partitions", KafkaCeiling.PARTITIONS);
        figures.put("producer_records_per_s", Math.round(result.producerRecordsPerSecond()));
        figures.put("producer_records", result.producedRecords());
        figures.put("consumer_records_per_s", Math.round(result.consumerRecordsPerSecond()));
        figures.put("consumer_records", result.consumedRecords());
        figures.put("streams_eos_aggregate_records_per_s", Math.round(result.streamsRecordsPerSecond()));
        figures.put("streams_records", result.foldedRecords());
        figures.put("streams_keys", result.foldedKeys());
        figures.put("elapsed_s", result.elapsed().toMillis() / 1000.0);
        return figures;
    }

    private static void printSummary(KafkaCeiling.Result r) {
        Machine m = Machine.current();
        System.out.printf("machine: %d cores, %s, %s%n", m.cores(), m.java(), m.os());
        System.out.printf("producer (acks=all, lz4, linger 5 ms, batch 64 KB):  %,10d records/s  (%,d records)%n",
                Math.round(r.producerRecordsPerSecond()), r.producedRecords());
        System.out.printf("consumer:                                           %,10d records/s  (%,d records)%n",
                Math.round(r.consumerRecordsPerSecond()), r.consumedRecords());
        System.out.printf("streams exactly_once_v2 aggregate, 400-byte state:  %,10d records/s  (%,d records, %,d keys)%n",
                Math.round(r.streamsRecordsPerSecond()), r.foldedRecords(), r.foldedKeys());
        System.out.printf("elapsed: %.1f s%n", r.elapsed().toMillis() / 1000.0);
    }
}
