package dev.kassa.aggregate.app;

import dev.kassa.log.EventLogReplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.aggregate.stream.AggregateSettings;
import dev.kassa.aggregate.domain.Commands;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Replay at the scale ops meet: 100,002 events made by the real aggregate fold back to exactly the state it published. */
@ExtendWith(KafkaExtension.class)
class ReplayAtScaleTest {

    private static final int SESSIONS = 33_334; // three events each: created, pending, paid

    @TempDir
    Path stateDir;

    @Test
    void one_hundred_thousand_events_replay_to_the_published_state_and_a_corrupted_record_is_reported(KafkaCluster kafka) throws Exception {
        String bootstrap = kafka.bootstrapServers();
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 30) * 100_000;
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(dev.kassa.schemas.KafkaAccess.of(bootstrap), "scale-" + base, stateDir,
                Duration.ofMillis(100), 0, AggregateSettings.DEFAULTS, Map.of()));
             KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.LINGER_MS_CONFIG, 10), Topics.SESSION_COMMANDS.keySerde().serializer(),
                     Topics.SESSION_COMMANDS.valueSerde().serializer());
             KafkaConsumer<Long, CommandResult> results = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "scale-results-" + base, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer())) {
            assertThat(aggregate.awaitRunning(Duration.ofSeconds(60))).isTrue();
            Instant now = Instant.now();
            for (int i = 0; i < SESSIONS; i++) {
                long session = base + i;
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, Commands.create("c-" + session, session, now)));
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, Commands.startAttempt("s-" + session, session, now, "a-" + session)));
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), session, Commands.reportFor("p-" + session, session, now, "completed", "a-" + session)));
            }
            producer.flush();
            results.subscribe(java.util.List.of(Topics.COMMAND_RESULTS.name()));
            Set<String> answered = new HashSet<>();
            await().atMost(Duration.ofMinutes(4)).until(() -> {
                results.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.key() >= base && r.key() < base + SESSIONS) {
                        answered.add(r.value().getCommandId());
                    }
                });
                return answered.size() == 3 * SESSIONS;
            });
        }

        long started = System.nanoTime();
        Map<Long, SessionState> replayed = ours(EventLogReplay.foldEventsTopic(dev.kassa.schemas.KafkaAccess.of(bootstrap)), base);
        Map<Long, SessionState> published = ours(EventLogReplay.readStateTopic(dev.kassa.schemas.KafkaAccess.of(bootstrap)), base);
        ReplayVerification.Report report = ReplayVerification.compare(replayed, published);
        System.out.printf("replay at scale: %,d sessions (%,d events) folded and compared in %.1f s, %d mismatch(es)%n",
                replayed.size(), replayed.values().stream().mapToLong(SessionState::getSequence).sum(),
                (System.nanoTime() - started) / 1e9, report.mismatches().size());
        assertThat(replayed.values().stream().mapToLong(SessionState::getSequence).sum()).isEqualTo(3L * SESSIONS);
        assertThat(report.mismatches()).isEmpty();
        assertThat(report.checked()).isEqualTo(SESSIONS);

        long victim = base + SESSIONS / 2;
        try (KafkaProducer<Long, SessionState> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                Topics.SESSION_STATE.keySerde().serializer(), Topics.SESSION_STATE.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), victim,
                    SessionState.newBuilder(published.get(victim)).setRefundedMinor(1).build())).get();
        }
        ReplayVerification.Report broken = ReplayVerification.compare(replayed, ours(EventLogReplay.readStateTopic(dev.kassa.schemas.KafkaAccess.of(bootstrap)), base));
        assertThat(broken.mismatches()).singleElement().asString().startsWith("session " + victim + " at sequence 3: refunded_minor is 1");
    }

    private static Map<Long, SessionState> ours(Map<Long, SessionState> all, long base) {
        Map<Long, SessionState> mine = new HashMap<>();
        all.forEach((id, state) -> {
            if (id >= base && id < base + SESSIONS) {
                mine.put(id, state);
            }
        });
        return mine;
    }
}
