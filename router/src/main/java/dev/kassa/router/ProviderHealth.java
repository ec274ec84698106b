package dev.kassa.router;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each provider's health as the history shows it: of the attempts that ended in the last {@code window}, how many
 * succeeded, and how long they took from start to outcome (median and 95th percentile). Fed in the order events
 * happen (the aggregate as it decides, or a reader of the log); pure otherwise.
 *
 * <p>Bounded whatever the traffic: at most {@link #OPEN_LIMIT} started attempts wait for their outcome (the oldest are
 * forgotten: their outcome still counts, without a latency), at most {@link #SAMPLE_LIMIT} outcomes per provider are
 * kept (the oldest go first), and at most {@link #PROVIDER_LIMIT} providers have their own row (others count as
 * {@code other}).
 */
public final class ProviderHealth {

    public static final int OPEN_LIMIT = 50_000;
    public static final int SAMPLE_LIMIT = 20_000;
    public static final int PROVIDER_LIMIT = 32;
    static final String OTHER = "other";

    /** One provider over the window; latencies in milliseconds, null when no outcome had a known start. */
    public record Figure(String provider, int succeeded, int failed, Long latencyP50Millis, Long latencyP95Millis) {
        public int attempts() {
            return succeeded + failed;
        }

        /** Succeeded of ended, or null when none ended. */
        public Double successRate() {
            return attempts() == 0 ? null : (double) succeeded / attempts();
        }
    }

    private record Open(String provider, Instant startedAt) {
    }

    private record Outcome(Instant at, boolean succeeded, long latencyMillis) {
    }

    private final Duration window;
    private final Map<String, Open> open = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Open> eldest) {
            return size() > OPEN_LIMIT;
        }
    };
    private final Map<String, Deque<Outcome>> outcomes = new TreeMap<>();

    public ProviderHealth(Duration window) {
        this.window = window;
    }

    public Duration window() {
        return window;
    }

    /** An attempt started with a provider. */
    public synchronized void started(String attemptId, String provider, Instant at) {
        if (attemptId != null && provider != null) {
            open.put(attemptId, new Open(provider, at));
        }
    }

    /** An attempt ended; {@code provider} is the one that reported (the attempt's, when the report names none). */
    public synchronized void ended(String attemptId, String provider, boolean succeeded, Instant at) {
        Open started = attemptId == null ? null : open.remove(attemptId);
        String who = provider != null ? provider : started == null ? null : started.provider();
        if (who == null) {
            return;
        }
        long latency = started == null ? -1 : Math.max(0, Duration.between(started.startedAt(), at).toMillis());
        // One row per provider up to the limit, the last of them shared by every provider beyond it.
        String row = outcomes.containsKey(who) || outcomes.size() < PROVIDER_LIMIT - 1 ? who : OTHER;
        Deque<Outcome> samples = outcomes.computeIfAbsent(row, k -> new ArrayDeque<>());
        samples.addLast(new Outcome(at, succeeded, latency));
        if (samples.size() > SAMPLE_LIMIT) {
            samples.removeFirst();
        }
    }

    /** Every provider with an outcome in the window ending at {@code now}, by slug; older outcomes are dropped on the way. */
    public synchronized List<Figure> figures(Instant now) {
        Instant since = now.minus(window);
        List<Figure> figures = new ArrayList<>();
        // Attempts open for two windows are forgotten: their outcome, if it ever comes, says nothing recent.
        open.values().removeIf(o -> o.startedAt().isBefore(since.minus(window)));
        for (Map.Entry<String, Deque<Outcome>> entry : outcomes.entrySet()) {
            Deque<Outcome> samples = entry.getValue();
            while (!samples.isEmpty() && samples.peekFirst().at().isBefore(since)) {
                samples.removeFirst();
            }
            int ok = 0;
            int failed = 0;
            long[] latencies = new long[samples.size()];
            int known = 0;
            for (Outcome o : samples) {
                if (o.at().isAfter(now)) {
                    continue;
                }
                if (o.succeeded()) {
                    ok++;
                } else {
                    failed++;
                }
                if (o.latencyMillis() >= 0) {
                    latencies[known++] = o.latencyMillis();
                }
            }
            if (ok + failed == 0) {
                continue;
            }
            long[] sorted = Arrays.copyOf(latencies, known);
            Arrays.sort(sorted);
            figures.add(new Figure(entry.getKey(), ok, failed, percentile(sorted, 50), percentile(sorted, 95)));
        }
        return figures;
    }

    /** The nearest-rank percentile of sorted values, or null for none. */
    static Long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
