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

/** {@code kassa bench expiry}: expiry lag and memory with many open sessions. */
@Command(name = "expiry", mixinStandardHelpOptions = true,
        description = "Fold --open sessions that stay open, then --due sessions expiring over 20 s; report expiry lag "
                + "(p50/p99/max), heap, RocksDB memory and state on disk.")
public final class ExpiryBenchCommand implements Callable<Integer> {

    @Option(names = "--open", defaultValue = "1000000", description = "Open sessions folded in first (default: ${DEFAULT-VALUE}).")
    long open;

    @Option(names = "--due", defaultValue = "20000", description = "Sessions expiring during the run (default: ${DEFAULT-VALUE}).")
    long due;

    @Option(names = "--duration", defaultValue = "PT180S", converter = DurationConverter.class,
            description = "Upper bound for the run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of the summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (open < 0 || due < 1 || duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(30)) > 0) {
            System.err.println("kassa bench: --open must be 0 or more, --due at least 1, --duration between 1 s and 30 min.");
            return 2;
        }
        try (KafkaCluster kafka = LocalKafka.startTemporary()) {
            ExpiryBenchmark.Result r = new ExpiryBenchmark(kafka, duration).run(open, due);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("benchmark", "expiry");
            figures.put("machine", Machine.current().toMap());
            figures.put("open_sessions", r.open());
            figures.put("ingest_creates_per_s", Math.round(r.ingestPerSecond()));
            figures.put("due", r.due());
            figures.put("expired", r.expired());
            figures.put("lag_p50_ms", r.lagP50());
            figures.put("lag_p99_ms", r.lagP99());
            figures.put("lag_max_ms", r.lagMax());
            figures.put("heap_used_mb", r.heapUsedMb());
            figures.put("rocksdb_memory_mb", r.rocksDbMemoryMb());
            figures.put("state_dir_mb", r.stateDirMb());
            if (json) {
                System.out.println(new ObjectMapper().writeValueAsString(figures));
            } else {
                System.out.printf("open sessions: %,d (folded at %,d creates/s)%n", r.open(), Math.round(r.ingestPerSecond()));
                System.out.printf("expired: %,d of %,d due; lag p50 %d ms, p99 %d ms, max %d ms%n", r.expired(), r.due(), r.lagP50(), r.lagP99(), r.lagMax());
                System.out.printf("memory with the open sessions in: heap used %d MB (broker and clients included), RocksDB %d MB, state on disk %d MB%n",
                        r.heapUsedMb(), r.rocksDbMemoryMb(), r.stateDirMb());
            }
        }
        return 0;
    }
}
