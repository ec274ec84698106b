package dev.kassa.bench;

import dev.kassa.localkafka.KafkaCluster;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** A cluster Kassa did not start: only its address is known; closing it closes nothing. */
public record ExternalCluster(String bootstrapServers, int brokerCount) implements KafkaCluster {

    /** Connects once to learn how many brokers serve {@code bootstrap}. */
    public static ExternalCluster at(String bootstrap) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            return new ExternalCluster(bootstrap, brokers);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("Kafka at " + bootstrap + " did not answer within 30 s", e);
        }
    }

    @Override
    public String description() {
        return "Kafka at " + bootstrapServers + ", " + brokerCount + " broker(s)";
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
