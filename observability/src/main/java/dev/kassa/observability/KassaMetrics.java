package dev.kassa.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where Kassa's meters live: one Prometheus registry per JVM, made when this class loads, so that the domain shells
 * need no wiring and nothing recorded before the first scrape is lost. The process that serves {@code /metrics}
 * (the gateway, or a service's ops port) scrapes {@link #prometheus()}; in {@code kassa dev} that is every service's
 * meters at once. docs/OPERATIONS.md lists every series and what it answers.
 *
 * <p>Latencies are histograms with {@link #LATENCY_BUCKETS} (never per-instance summaries), so percentiles aggregate
 * across instances; every counter and gauge is registered when its service starts, so a fresh dashboard shows zero.
 */
public final class KassaMetrics {

    private static final PrometheusMeterRegistry PROMETHEUS = registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    private static final AtomicBoolean JVM_BOUND = new AtomicBoolean();

    /**
     * Latency buckets for this system: a few milliseconds (a status read from the replica) to 30 s (a webhook to a
     * slow receiver, an expiry behind a restore). Twelve buckets and +Inf per series.
     */
    public static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private KassaMetrics() {
    }

    /**
     * Two of Micrometer's process meters break Prometheus's naming rules (`promtool check metrics`): the CPU count
     * ends in {@code _count} like a histogram's, and the process CPU time is in nanoseconds. The first is renamed
     * {@code system_cpu_cores}; the second is left out ({@code process_cpu_usage} stays).
     */
    private static PrometheusMeterRegistry registry(PrometheusMeterRegistry registry) {
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
                    }
                });
        return registry;
    }

    /** The registry to record on. */
    public static MeterRegistry registry() {
        return PROMETHEUS;
    }

    /** The same registry, for scraping. */
    public static PrometheusMeterRegistry prometheus() {
        return PROMETHEUS;
    }

    /** A latency timer published as a Prometheus histogram with {@link #LATENCY_BUCKETS}. */
    public static Timer.Builder latency(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
                .minimumExpectedValue(LATENCY_BUCKETS[0]).maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]);
    }

    /**
     * Micrometer's JVM and process binders (heap and pools, GC pauses, threads, classes, CPU, uptime, open files),
     * labelled {@code service}: the name of what runs in this JVM (gateway, aggregate, relay, or dev for all of them).
     * Once per JVM; later calls change nothing.
     */
    public static void bindJvm(String service) {
        if (!JVM_BOUND.compareAndSet(false, true)) {
            return;
        }
        Tags tags = Tags.of("service", service);
        new JvmMemoryMetrics(tags).bindTo(PROMETHEUS);
        new JvmGcMetrics(tags).bindTo(PROMETHEUS);
        new JvmThreadMetrics(tags).bindTo(PROMETHEUS);
        new ClassLoaderMetrics(tags).bindTo(PROMETHEUS);
        new ProcessorMetrics(tags).bindTo(PROMETHEUS);
        new UptimeMetrics(tags).bindTo(PROMETHEUS);
        new FileDescriptorMetrics(tags).bindTo(PROMETHEUS);
    }

    /** Kafka's client metrics Kassa shows: the Kafka metric name, the name it is shown under, and its help text. */
    private static final Map<String, String[]> KAFKA_SHOWN = Map.of(
            "consumer-fetch-manager-metrics/records-lag-max", new String[] {"kafka.consumer.fetch.manager.records.lag.max",
                    "The largest consumer lag of this service's consumers, in records (Kafka's records-lag-max)"},
            "stream-thread-metrics/process-rate", new String[] {"kafka.stream.thread.process.rate",
                    "Records processed per second by this service's stream threads (Kafka Streams' process-rate, summed)"},
            "stream-thread-metrics/commit-rate", new String[] {"kafka.stream.thread.commit.rate",
                    "Commits per second by this service's stream threads (Kafka Streams' commit-rate, summed)"});

    private static final String PARTITION_LAG = "kafka.consumer.fetch.manager.records.lag";

    /**
     * A few of Kafka Streams' client metrics for one service, tagged {@code service}: the consumer lag (the largest
     * over the service's consumers, and per topic partition), and the stream threads' process and commit rates
     * (summed). Read from {@link KafkaStreams#metrics()} only when scraped: no binder scanning thousands of client
     * metrics in the background; the per-partition gauges are added when their partitions are first assigned (looked
     * for every 10 s). Close the handle to remove them.
     */
    public static AutoCloseable bind(KafkaStreams streams, String service) {
        List<Meter> meters = new CopyOnWriteArrayList<>();
        KAFKA_SHOWN.forEach((kafkaName, shown) -> {
            boolean lag = kafkaName.endsWith("/records-lag-max");
            meters.add(Gauge.builder(shown[0], streams, s -> read(s, kafkaName, lag)).description(shown[1])
                    .tags(Tags.of("service", service)).register(PROMETHEUS));
        });
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService partitions = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kassa-metrics-" + service);
            t.setDaemon(true);
            return t;
        });
        partitions.scheduleWithFixedDelay(() -> {
            Set<String> topics = new HashSet<>();
            for (MetricName name : streams.metrics().keySet()) {
                if (name.name().equals("records-lag") && name.tags().get("topic") != null) {
                    topics.add(name.tags().get("topic"));
                }
            }
            for (MetricName name : streams.metrics().keySet()) {
                String topic = name.tags().get("topic");
                String partition = name.tags().get("partition");
                if (!name.group().equals("consumer-fetch-manager-metrics") || !name.name().equals("records-lag")
                        || topic == null || partition == null
                        // Kafka also reports each topic under a legacy tag with '.' written '_': shown once, by its name.
                        || (topic.contains("_") && topics.contains(topic.replace('_', '.')))
                        || !seen.add(topic + "/" + partition)) {
                    continue;
                }
                meters.add(Gauge.builder(PARTITION_LAG, streams, s -> partitionLag(s, topic, partition))
                        .description("Consumer lag of this service on one topic partition, in records (Kafka's records-lag)")
                        .tags(Tags.of("service", service, "topic", topic, "partition", partition)).register(PROMETHEUS));
            }
        }, 0, 10, TimeUnit.SECONDS);
        return () -> {
            partitions.shutdownNow();
            meters.forEach(PROMETHEUS::remove);
        };
    }

    private static double partitionLag(KafkaStreams streams, String topic, String partition) {
        double lag = Double.NaN;
        for (var entry : streams.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if (name.name().equals("records-lag") && topic.equals(name.tags().get("topic")) && partition.equals(name.tags().get("partition"))
                    && entry.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                lag = Double.isNaN(lag) ? n.doubleValue() : Math.max(lag, n.doubleValue());
            }
        }
        return lag;
    }
    private static double read(KafkaStreams streams, String kafkaName, boolean max) {
        double result = max ? Double.NaN : 0;
        for (var entry : streams.metrics().entrySet()) {
            if (!(entry.getKey().group() + "/" + entry.getKey().name()).equals(kafkaName)) {
                continue;
            }
            Object value = entry.getValue().metricValue();
            if (value instanceof Number n && !Double.isNaN(n.doubleValue()) && !Double.isInfinite(n.doubleValue())) {
                result = max ? (Double.isNaN(result) ? n.doubleValue() : Math.max(result, n.doubleValue())) : result + n.doubleValue();
            }
        }
        return result;
    }
}
