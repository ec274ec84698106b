package dev.kassa.aggregate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.aggregate.domain.Commands;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.observability.KassaMetrics;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProducer;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The aggregate's meters on a real broker: present at zero from the start, counting what they say, gone when it stops. */
@ExtendWith(KafkaExtension.class)
class AggregateMetricsTest {

    @TempDir
    Path state;

    @Test
    void rejections_are_counted_by_code_and_the_due_expiries_are_read_through_interactive_queries(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config defaults = AggregateService.Config.defaults(kafka.bootstrapServers(), state);
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(defaults.kafka(),
                "metrics-test-" + System.nanoTime(), defaults.stateDir(), defaults.commitInterval(), 0, defaults.settings(), Map.of()))) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            double before = counter("not_found");
            assertThat(counter("session_exists")).as("registered at start").isNotNegative();

            await().atMost(Duration.ofSeconds(30)).until(() -> gauge("kassa.expiries.due") == 0.0);
            assertThat(gauge("kassa.expiries.late")).isZero();

            try (TopicProducer producer = new TopicProducer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                SessionCommand cancel = Commands.cancel("metrics-cancel", 987_654_321L, Instant.now());
                producer.send(Topics.SESSION_COMMANDS, cancel.getSessionId(), cancel).get();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> counter("not_found") == before + 1);
        }
        assertThat(KassaMetrics.registry().find("kassa.expiries.due").gauge()).as("removed with the service").isNull();
    }

    private static double counter(String code) {
        return KassaMetrics.registry().get("kassa.commands.rejected").tag("code", code).counter().count();
    }

    private static double gauge(String name) {
        return KassaMetrics.registry().get(name).gauge().value();
    }
}
