package dev.kassa.relay.app;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.relay.stream.RelayMetrics;
import dev.kassa.observability.Health;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.relay.delivery.DeliveryLanes;
import dev.kassa.relay.delivery.HttpDispatcher;
import dev.kassa.model.SsrfGuard;
import dev.kassa.relay.stream.AttemptSink;
import dev.kassa.relay.stream.RelaySettings;
import dev.kassa.relay.stream.RelayTopology;
import dev.kassa.schemas.ExactlyOnce;
import dev.kassa.schemas.GroupMembership;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook relay as a running service. Its Streams application folds events and attempts exactly-once into its
 * stores, and sends webhooks at least once (a
 * webhook may be sent twice after a crash, never lost); attempts are written by an idempotent producer.
 */
public final class RelayService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RelayService.class);

    /** How to run it; {@code allowLoopback} is for development mode only. */
    public record Config(KafkaAccess kafka, String applicationId, Path stateDir, boolean allowLoopback,
                         Duration requestTimeout, RelaySettings settings, Map<String, Object> overrides) {

        public static Config defaults(String bootstrapServers, Path stateDir, boolean allowLoopback) {
            return new Config(KafkaAccess.of(bootstrapServers), "kassa-relay", stateDir, allowLoopback, Duration.ofSeconds(15),
                    RelaySettings.DEFAULTS, Map.of());
        }
    }

    private final KafkaStreams streams;
    private final DeliveryLanes lanes;
    private final TopicProducer producer;
    private final CountDownLatch running = new CountDownLatch(1);
    private AutoCloseable streamsMetrics;
    private AutoCloseable health;

    private RelayService(Config config) {
        this.lanes = new DeliveryLanes(new HttpDispatcher(new SsrfGuard(config.allowLoopback()), config.requestTimeout(),
                config.settings().clock()), config.settings().lanes(), config.settings().clock());
        this.producer = new TopicProducer(config.kafka().config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 2)));
        AttemptSink sink = new AttemptSink() {
            @Override
            public void attempted(WebhookAttempt attempt) {
                producer.send(Topics.WEBHOOK_ATTEMPTS, attempt.getSessionId(), attempt, (meta, error) -> {
                    if (error != null) {
                        // The head stays due: it is sent again at the next scan after a restart, never lost.
                        LOG.error("could not record attempt {} of {}", attempt.getAttempt(), attempt.getEventId(), error);
                    }
                });
            }

            @Override
            public void endpointDisabled(WebhookEndpointStatus status) {
                LOG.warn("merchant {}: webhook endpoint disabled ({})", status.getMerchantId(), status.getReason());
                // Keyed by the endpoint (the first endpoint's key is the merchant id): compaction keeps one fact per endpoint.
                long key = status.getEndpointKey() != null ? status.getEndpointKey() : status.getMerchantId();
                producer.send(Topics.WEBHOOK_ENDPOINT_STATUS, key, status, (meta, error) -> {
                    if (error != null) {
                        LOG.error("could not record that the endpoint of merchant {} is disabled", status.getMerchantId(), error);
                    }
                });
            }
        };
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
        // Exactly-once for the relay's own stores: an event's "seen" mark (relay-sessions) and its queued webhook
        // (relay-deliveries) are two stores, and under at-least-once a kill -9 could leave the first one's changelog
        // written and the second one's not; the restore then brought back "seen" without the webhook, which was never
        // sent (RelayEndToEndTest caught it, 1 in 600). Transactions make both, and the input offsets, one step. The
        // HTTP calls stay at-least-once: no transaction covers them.
        ExactlyOnce.apply(p);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Static membership: a restart after kill -9 takes its place back without waiting out the old session.
        GroupMembership.consumerSettings(config.applicationId(), config.stateDir())
                .forEach((key, value) -> p.put(StreamsConfig.mainConsumerPrefix(key), value));
        // The aggregate writes events in transactions: a webhook must never go out for an event of an aborted one.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // Events, attempts and redeliveries share a task but need no time alignment between them (a stale attempt is
        // recognised and dropped): process whatever arrives, never wait for an empty partition to catch up.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.putAll(config.overrides());
        this.streams = new KafkaStreams(RelayTopology.build(config.settings(), lanes, sink), config.kafka().streams(p));
        // A stream thread that fails (a transaction timed out while a broker was lost, say) is replaced, as the aggregate's
        // is; the default would shut the whole client down and stop every webhook until someone restarts the relay.
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("relay stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((next, previous) -> {
            if (next == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
    }

    public static RelayService start(Config config) {
        RelayService service = new RelayService(config);
        service.streamsMetrics = KassaMetrics.bind(service.streams, "relay");
        RelayMetrics.register();
        service.health = Health.register(
                () -> Health.streams("relay", service.streams.state()));
        service.streams.start();
        return service;
    }

    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        if (health != null) {
            try {
                health.close();
            } catch (Exception ignored) {
                // unregistering a health check cannot fail in a way that matters at shutdown
            }
            try {
                streamsMetrics.close();
            } catch (Exception ignored) {
                // removing gauges cannot fail in a way that matters at shutdown
            }
        }
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        producer.close(Duration.ofSeconds(10));
        RelayMetrics.forget(lanes);
        lanes.close(); // and its HTTP client
    }
}
