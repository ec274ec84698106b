package dev.kassa.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where Kassa's meters live: one Prometheus registry per JVM, made when this class loads, so that the domain shells
 * need no wiring and nothing recorded before the first scrape is lost. The process that serves {@code /metrics}
 * (the gateway, or a service's ops port) scrapes {@link #prometheus()}; in {@code kassa dev} that is every service's
 * meters at once.
 *
 * <p>Series (Prometheus names): {@code kassa_http_server_requests_seconds{endpoint,method,status}},
 * {@code kassa_transitions_total{status}}, {@code kassa_expiry_lag_seconds}, {@code kassa_webhook_attempts_total{outcome}},
 * {@code kassa_webhook_delivery_lag_seconds}, and Kafka's own client metrics per service
 * ({@code kafka_consumer_fetch_manager_records_lag_max{service=...}} is the consumer lag, plus the stream threads'
 * process and commit rates).
 */
public final class KassaMetrics {

    private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private KassaMetrics() {
    }

    /** The registry to record on. */
    public static MeterRegistry registry() {
        return PROMETHEUS;
    }

    /** The same registry, for scraping. */
    public static PrometheusMeterRegistry prometheus() {
        return PROMETHEUS;
    }

    /** Kafka's client metrics Kassa shows: the Kafka metric name, and the Micrometer name it is shown under. */
    private static final Map<String, String> KAFKA_SHOWN = Map.of(
            "consumer-fetch-manager-metrics/records-lag-max", "kafka.consumer.fetch.manager.records.lag.max",
            "stream-thread-metrics/process-rate", "kafka.stream.thread.process.rate",
            "stream-thread-metrics/commit-rate", "kafka.stream.thread.commit.rate");

    /**
     * A few of Kafka Streams' client metrics for one service, tagged {@code service}: the consumer lag (the largest
     * over the service's consumers) and the stream threads' process and commit rates (summed). Read from
     * {@link KafkaStreams#metrics()} only when scraped: no binder scanning thousands of client metrics in the
     * background. Close the handle to remove them.
     */
    public static AutoCloseable bind(KafkaStreams streams, String service) {
        List<Meter> meters = new ArrayList<>();
        KAFKA_SHOWN.forEach((kafkaName, name) -> {
            boolean lag = kafkaName.endsWith("/records-lag-max");
            meters.add(Gauge.builder(name, streams, s -> read(s, kafkaName, lag))
                    .tags(Tags.of("service", service)).register(PROMETHEUS));
        });
        return () -> meters.forEach(PROMETHEUS::remove);
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
