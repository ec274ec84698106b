package dev.kassa.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * ({@code kafka_consumer_fetch_manager_records_lag_max{service=...}} is the consumer lag).
 */
public final class KassaMetrics {

    private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * Of Kafka's own client metrics (thousands per Streams instance: per thread, task, partition and store), only
     * these reach the registry: consumer lag, and the process and commit rates of the stream threads. The rest are
     * denied at registration, which keeps the scrape small and the binder cheap.
     */
    private static final java.util.Set<String> KAFKA_KEPT = java.util.Set.of(
            "kafka.consumer.fetch.manager.records.lag.max", "kafka.consumer.fetch.manager.records.lag",
            "kafka.stream.thread.process.rate", "kafka.stream.thread.commit.rate", "kafka.stream.thread.commit.latency.avg",
            "kafka.producer.record.error.rate");

    static {
        PROMETHEUS.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyUnless(
                id -> !id.getName().startsWith("kafka.") || KAFKA_KEPT.contains(id.getName())));
    }

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

    /** Kafka Streams' client metrics (consumer lag, process rates, RocksDB) of one service, tagged {@code service}. */
    public static KafkaStreamsMetrics bind(KafkaStreams streams, String service) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, Tags.of("service", service));
        binder.bindTo(registry());
        return binder;
    }
}
