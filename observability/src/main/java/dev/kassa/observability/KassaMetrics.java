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
