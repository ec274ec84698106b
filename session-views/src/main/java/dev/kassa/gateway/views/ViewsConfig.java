package dev.kassa.gateway.views;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.schemas.GroupMembership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.LoggerFactory;

/** The session views' Kafka Streams settings: one application that every gateway instance of a deployment joins. */
final class ViewsConfig {

    private ViewsConfig() {
    }

    static Properties streams(GatewaySettings settings, HostInfo self, Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.viewsApplicationId());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, self.host() + ":" + self.port());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // At-least-once: every view is idempotent under a replay, so exactly-once would only add commit latency.
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.viewsStandbyReplicas());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // The aggregate's output is written transactionally: read only what it committed.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // fetch.max.wait.ms stays at its default (500 ms), as for every consumer of the gateway: a broker answers a fetch
        // as soon as a record (read_committed: a commit) arrives, so a short wait adds no freshness, only empty fetches
        // (at 10-20 ms they were half of an idle `kassa dev`'s CPU, and took cores from everything else under load).
        // The repartition by merchant is on the path of the order index and the list: Streams' default linger (100 ms)
        // would be most of the lag between a session's state and its order's index.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        GroupMembership.consumerSettings(settings.viewsApplicationId(), stateDir)
                .forEach((key, value) -> p.put(StreamsConfig.mainConsumerPrefix(key), value));
        return p;
    }

    /** Deletes a temporary state directory (a test's or a bench's gateway), logging what could not be deleted. */
    static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            LoggerFactory.getLogger(ViewsConfig.class).debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
