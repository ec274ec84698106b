package dev.kassa.schemas;

import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The settings every exactly-once Kafka Streams application of Kassa shares (the aggregate, the relay).
 *
 * <p>Under transactions v2 a produce that reaches a partition whose previous transaction's markers are still being
 * written is answered {@code CONCURRENT_TRANSACTIONS}: the broker first retries it itself for up to
 * {@code add.partitions.to.txn.retry.backoff.max.ms}, then the producer retries with its own back-off, which by default
 * doubles from 100 ms to 1 s per batch. An application that commits every 100 ms meets this after almost every commit,
 * and on a busy cluster (three brokers on two cores in {@code kassa chaos}) the doubling left its batches waiting up to
 * a second after the markers were long written, once per partition. A flat 100 ms keeps the wait near the markers'
 * own latency; the brokers' longer server-side retry (their config) does the rest without a round trip.
 */
public final class ExactlyOnce {

    /** The producer's longest back-off between retries of a batch. */
    public static final long RETRY_BACKOFF_MAX_MS = 100;

    private ExactlyOnce() {
    }

    /** Sets exactly-once v2 and the producer's flat retry back-off on {@code streamsProperties}. */
    public static Properties apply(Properties streamsProperties) {
        streamsProperties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        streamsProperties.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), RETRY_BACKOFF_MAX_MS);
        return streamsProperties;
    }
}
