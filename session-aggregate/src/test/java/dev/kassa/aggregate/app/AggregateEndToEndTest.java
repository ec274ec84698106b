package dev.kassa.aggregate.app;

import dev.kassa.log.EventLogReplay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kassa.aggregate.domain.Commands;
import dev.kassa.localkafka.ChildJvm;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.SessionEventKey;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.CommandOutcome;
import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The aggregate in its own JVM on the real broker, killed with SIGKILL mid-stream and started again. */
@ExtendWith(KafkaExtension.class)
class AggregateEndToEndTest {

    private static final int SESSIONS = 200;

    @TempDir
    Path stateDir;

    @Test
    void a_killed_instance_loses_no_transition_and_doubles_none(KafkaCluster kafka) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        String appId = "e2e-aggregate-" + System.nanoTime();
        long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1000;
        Map<String, List<CommandResult>> results = new HashMap<>();

        Process first = startAggregate(kafka, appId, "first");
        List<SessionCommand> firstHalf = commandsFor(base, 0, SESSIONS / 2);
        send(kafka, firstHalf);
        try (KafkaConsumer<Long, CommandResult> resultsConsumer = resultsConsumer(kafka)) {
            // Kill it mid-stream: some commands answered, some decided but not committed, some not read yet.
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                collect(resultsConsumer, base, results);
                return results.size() >= firstHalf.size() / 2;
            });
            first.destroyForcibly().waitFor();
            int answeredBeforeKill = results.size();

            List<SessionCommand> secondHalf = commandsFor(base, SESSIONS / 2, SESSIONS);
            send(kafka, secondHalf);
            List<SessionCommand> resent = firstHalf.stream().filter(c -> c.getPayload() instanceof dev.kassa.schemas.avro.CreateSession).toList();
            send(kafka, resent);

            Process second = startAggregate(kafka, appId, "second");
            try {
                int expectedCommands = firstHalf.size() + secondHalf.size();
                await().atMost(Duration.ofSeconds(180)).until(() -> {
                    collect(resultsConsumer, base, results);
                    return results.size() == expectedCommands
                            && resent.stream().allMatch(c -> results.get(c.getCommandId()).size() == 2);
                });
                System.out.printf("end-to-end: %d of %d commands answered before SIGKILL, all %d answered after restart%n",
                        answeredBeforeKill, firstHalf.size(), expectedCommands);
            } finally {
                second.destroy();
                second.waitFor();
            }
        }

        // Every command answered exactly once, the resent creates answered as duplicates.
        for (List<CommandResult> answers : results.values()) {
            assertThat(answers.stream().filter(r -> r.getOutcome() == CommandOutcome.APPLIED)).hasSize(1);
        }
        for (SessionCommand create : commandsFor(base, 0, SESSIONS / 2)) {
            if (create.getPayload() instanceof dev.kassa.schemas.avro.CreateSession) {
                assertThat(results.get(create.getCommandId())).extracting(CommandResult::getOutcome)
                        .containsExactlyInAnyOrder(CommandOutcome.APPLIED, CommandOutcome.DUPLICATE);
            }
        }

        // Every session has exactly created, pending, paid: nothing lost, nothing doubled.
        Map<Long, List<SessionEvent>> events = readEvents(kafka, base);
        assertThat(events).hasSize(SESSIONS);
        for (List<SessionEvent> sessionEvents : events.values()) {
            assertThat(sessionEvents).extracting(SessionEvent::getStatus)
                    .containsExactly(SessionStatus.CREATED, SessionStatus.PENDING, SessionStatus.PAID);
            assertThat(sessionEvents).extracting(SessionEvent::getSequence).containsExactly(1L, 2L, 3L);
        }

        // Replaying the event log rebuilds exactly the state the aggregate published.
        Map<Long, SessionState> replayed = EventLogReplay.foldEventsTopic(dev.kassa.schemas.KafkaAccess.of(kafka.bootstrapServers()));
        Map<Long, SessionState> published = EventLogReplay.readStateTopic(dev.kassa.schemas.KafkaAccess.of(kafka.bootstrapServers()));
        for (long session = base; session < base + SESSIONS; session++) {
            assertThat(replayed.get(session)).as("session %d", session).isNotNull().isEqualTo(published.get(session));
        }
    }

    private static List<SessionCommand> commandsFor(long base, int from, int to) {
        Instant now = Instant.now();
        List<SessionCommand> commands = new ArrayList<>();
        for (int i = from; i < to; i++) {
            long session = base + i;
            commands.add(Commands.create("create-" + session, session, now));
            commands.add(Commands.startAttempt("start-" + session, session, now, "att-" + session));
            commands.add(Commands.reportFor("paid-" + session, session, now, "completed", "att-" + session));
        }
        return commands;
    }

    private static void send(KafkaCluster kafka, List<SessionCommand> commands) throws Exception {
        try (KafkaProducer<Long, SessionCommand> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Topics.SESSION_COMMANDS.keySerde().serializer(), Topics.SESSION_COMMANDS.valueSerde().serializer())) {
            for (SessionCommand command : commands) {
                producer.send(new ProducerRecord<>(Topics.SESSION_COMMANDS.name(), command.getSessionId(), command));
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<Long, CommandResult> resultsConsumer(KafkaCluster kafka) {
        KafkaConsumer<Long, CommandResult> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-results-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                Topics.COMMAND_RESULTS.keySerde().deserializer(), Topics.COMMAND_RESULTS.valueSerde().deserializer());
        consumer.subscribe(List.of(Topics.COMMAND_RESULTS.name()));
        return consumer;
    }

    private static void collect(KafkaConsumer<Long, CommandResult> consumer, long base, Map<String, List<CommandResult>> results) {
        for (ConsumerRecord<Long, CommandResult> record : consumer.poll(Duration.ofMillis(200))) {
            if (record.key() >= base && record.key() < base + SESSIONS) {
                results.computeIfAbsent(record.value().getCommandId(), id -> new ArrayList<>()).add(record.value());
            }
        }
    }

    private static Map<Long, List<SessionEvent>> readEvents(KafkaCluster kafka, long base) {
        Map<Long, List<SessionEvent>> events = new HashMap<>();
        EventLogReplay.readToEnd(dev.kassa.schemas.KafkaAccess.of(kafka.bootstrapServers()), Topics.SESSION_EVENTS.name(), Topics.SESSION_EVENTS.keySerde().deserializer(),
                Topics.SESSION_EVENTS.valueSerde().deserializer(), (SessionEventKey key, SessionEvent event) -> {
                    if (key.sessionId() >= base && key.sessionId() < base + SESSIONS) {
                        events.computeIfAbsent(key.sessionId(), s -> new ArrayList<>()).add(event);
                    }
                });
        return events;
    }

    private Process startAggregate(KafkaCluster kafka, String appId, String name) throws Exception {
        return ChildJvm.start("aggregate-" + name, AggregateMain.class, kafka.bootstrapServers(), stateDir.toString(), appId);
    }
}
