package dev.kassa.aggregate.app;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.aggregate.stream.AggregateMetrics;
import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.aggregate.stream.SessionTopology;
import dev.kassa.observability.Health;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.ExactlyOnce;
import dev.kassa.schemas.GroupMembership;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The session aggregate as a running service: Kafka Streams, exactly-once, on any cluster. */
public final class AggregateService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AggregateService.class);

    /**
     * How to run it. Several instances with the same {@code applicationId} share the partitions; standby replicas
     * keep a warm copy of each store elsewhere for a short failover. {@code overrides} go to Kafka Streams as they are.
     */
    public record Config(KafkaAccess kafka, String applicationId, Path stateDir, Duration commitInterval,
                         int standbyReplicas, AggregateSettings settings, Map<String, Object> overrides) {

        /** Defaults for one cluster: application id kassa-aggregate, commit every 100 ms, no standby. */
        public static Config defaults(String bootstrapServers, Path stateDir) {
            return new Config(KafkaAccess.of(bootstrapServers), "kassa-aggregate", stateDir, Duration.ofMillis(100), 0,
                    AggregateSettings.DEFAULTS, Map.of());
        }

        Properties streamsProperties() {
            Properties p = new Properties();
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            ExactlyOnce.apply(p);
            // Under exactly-once, results become visible to read_committed readers only at commit: this is the
            // latency floor of every synchronous API answer.
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
            p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
            p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
            p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
            p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
            // Static membership: a restart after kill -9 takes its place back without waiting out the old session.
            GroupMembership.consumerSettings(applicationId, stateDir)
                    .forEach((key, value) -> p.put(StreamsConfig.mainConsumerPrefix(key), value));
            p.putAll(overrides);
            return kafka.streams(p);
        }
    }

    private final KafkaStreams streams;
    private final CountDownLatch running;
    private final AutoCloseable streamsMetrics;
    private final AutoCloseable expiryMetrics;
    private final AutoCloseable health;

    private AggregateService(KafkaStreams streams, CountDownLatch running) {
        this.streams = streams;
        this.running = running;
        this.streamsMetrics = KassaMetrics.bind(streams, "aggregate");
        AggregateMetrics.register();
        this.expiryMetrics = AggregateMetrics.bindExpiries(streams, Clock.systemUTC());
        this.health = Health.register(() -> Health.streams("aggregate", streams.state()));
    }

    /** Starts the aggregate; it joins the group and restores its stores before it processes. */
    public static AggregateService start(Config config) {
        KafkaStreams streams = new KafkaStreams(SessionTopology.build(config.settings()), config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("session aggregate stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((next, previous) -> {
            if (next == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        return new AggregateService(streams, running);
    }

    /** Kafka Streams' state: CREATED, REBALANCING (restoring), RUNNING, ... */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until it first reaches RUNNING (group joined, stores restored); false if it did not within the timeout. */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kafka Streams' metrics (RocksDB memory, process rates, lag), for benchmarks and the metrics endpoint. */
    public Map<MetricName, ? extends Metric> metrics() {
        return streams.metrics();
    }

    /** Whether it is processing (not starting, restoring or stopped). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Stops cleanly: commits, and leaves the group so that its partitions move to another instance (or to this one
     * restarted) at once instead of after the session timeout.
     */
    @Override
    public void close() {
        closeQuietly(health);
        closeQuietly(streamsMetrics);
        closeQuietly(expiryMetrics);
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // unregistering a health check cannot fail in a way that matters at shutdown
        }
    }
}
