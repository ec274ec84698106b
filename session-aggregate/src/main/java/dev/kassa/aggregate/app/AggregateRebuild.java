package dev.kassa.aggregate.app;

import dev.kassa.aggregate.domain.SessionTransitions;
import dev.kassa.log.EventLogReplay;
import dev.kassa.schemas.AvroSerde;
import dev.kassa.schemas.SessionEventPartitioner;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionState;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;

/**
 * {@code kassa replay --rebuild}: the aggregate's state made again from the events, which are the truth.
 *
 * <p>The aggregate keeps its state in two stores backed by changelog topics, and publishes it on
 * {@code kassa.session-state}. The rebuild folds the whole events topic (the same fold as the live aggregate), then
 * appends to each store's changelog exactly what differs from the fold (a corrected state, a tombstone for a session
 * that has no events, an expiry-index entry for every session that can still expire), and to the state topic what
 * differs there. The aggregate restores its stores from their changelogs when it starts, reading past its last
 * checkpoint, so the appended records become its state. This is the application reset done right: no store is
 * deleted, nothing is re-processed, commands already answered stay answered (their ids live in the folded state).
 *
 * <p>Every instance of the aggregate must be stopped first (the rebuild refuses while its group has members); the
 * gateway and the relay keep running: the gateway's replicas take the corrected state records as they come.
 */
public final class AggregateRebuild {

    /** How far the fold has come, for a progress bar. */
    @FunctionalInterface
    public interface Progress {
        void update(long eventsRead, long eventsTotal, double eventsPerSecond);
    }

    /** What was done. */
    public record Result(long events, int sessions, int statesCorrected, int statesRemoved, int expiryEntries, double seconds) {
    }

    /** The rebuild cannot run now; the message says what to do. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    private AggregateRebuild() {
    }

    public static Result run(KafkaAccess access, String applicationId, Progress progress) throws InterruptedException {
        long started = System.nanoTime();
        String sessionsChangelog = applicationId + "-sessions-changelog";
        String expiryChangelog = applicationId + "-session-expiry-index-changelog";
        try (Admin admin = Admin.create(access.config(Map.of()))) {
            refuseWhileRunning(admin, applicationId);
            Set<String> topics = get(admin.listTopics().names());
            if (!topics.contains(sessionsChangelog) || !topics.contains(expiryChangelog)) {
                throw new Refused("no aggregate with application id '" + applicationId + "' has run on this cluster (its changelog "
                        + sessionsChangelog + " does not exist); name the one `kassa aggregate --application-id` used");
            }
            long total = recordsIn(admin, Topics.SESSION_EVENTS.name());

            long[] events = {0};
            Map<Long, SessionState> folded = fold(access, total, progress, started, events);
            Map<Long, SessionState> stored = new HashMap<>();
            EventLogReplay.readToEnd(access, sessionsChangelog, Serdes.Long().deserializer(),
                    new AvroSerde<>(SessionState.class).deserializer(), (Long id, SessionState s) -> {
                        if (s == null) {
                            stored.remove(id);
                        } else {
                            stored.put(id, s);
                        }
                    });
            Map<Long, SessionState> published = EventLogReplay.readStateTopic(access);
            int partitions = get(admin.describeTopics(List.of(sessionsChangelog)).allTopicNames()).get(sessionsChangelog).partitions().size();

            int corrected = 0;
            int removed = 0;
            int expiry = 0;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(access.config(Map.of(
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 20)), new ByteArraySerializer(), new ByteArraySerializer())) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                LongSerializer longs = new LongSerializer();
                var stateSerializer = new AvroSerde<>(SessionState.class).serializer();
                var publishedSerializer = Topics.SESSION_STATE.valueSerde().serializer();
                Set<Long> everyone = new HashSet<>(folded.keySet());
                everyone.addAll(stored.keySet());
                everyone.addAll(published.keySet());
                for (long id : everyone) {
                    SessionState truth = folded.get(id);
                    byte[] key = longs.serialize(sessionsChangelog, id);
                    int partition = SessionEventPartitioner.partitionOf(id, partitions);
                    if (truth == null) {
                        if (stored.containsKey(id)) {
                            sent.add(producer.send(new ProducerRecord<>(sessionsChangelog, partition, key, null)));
                        }
                        if (published.containsKey(id)) {
                            sent.add(producer.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), key, null)));
                        }
                        removed++;
                        continue;
                    }
                    boolean fixed = false;
                    if (!truth.equals(stored.get(id))) {
                        sent.add(producer.send(new ProducerRecord<>(sessionsChangelog, partition, key, stateSerializer.serialize(sessionsChangelog, truth))));
                        fixed = true;
                    }
                    SessionState shown = published.get(id);
                    if (shown == null || (shown.getSequence() <= truth.getSequence() && !truth.equals(shown))) {
                        sent.add(producer.send(new ProducerRecord<>(Topics.SESSION_STATE.name(), key,
                                publishedSerializer.serialize(Topics.SESSION_STATE.name(), truth))));
                        fixed = true;
                    }
                    if (fixed) {
                        corrected++;
                    }
                    if (SessionTransitions.isExpirable(truth.getStatus()) && truth.getExpiresAt() != null) {
                        byte[] indexKey = ByteBuffer.allocate(16).putLong(truth.getExpiresAt().toEpochMilli()).putLong(id).array();
                        sent.add(producer.send(new ProducerRecord<>(expiryChangelog, partition, indexKey, longs.serialize(expiryChangelog, id))));
                        expiry++;
                    }
                }
                producer.flush();
                for (Future<RecordMetadata> f : sent) {
                    try {
                        f.get(60, TimeUnit.SECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        throw new IllegalStateException("writing the rebuilt state failed: " + e.getMessage()
                                + "; nothing is half-applied that a second run would not finish: run the rebuild again", e);
                    }
                }
            }
            return new Result(events[0], folded.size(), corrected, removed, expiry, (System.nanoTime() - started) / 1e9);
        }
    }

    private static Map<Long, SessionState> fold(KafkaAccess access, long total, Progress progress, long started, long[] read) {
        long[] lastReport = {0};
        Map<Long, SessionState> states = EventLogReplay.foldEventsTopic(access, () -> {
            read[0]++;
            long now = System.nanoTime();
            if (now - lastReport[0] > 200_000_000L) {
                lastReport[0] = now;
                progress.update(read[0], total, read[0] / Math.max(1e-9, (now - started) / 1e9));
            }
        });
        progress.update(read[0], total, read[0] / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
        return states;
    }

    private static void refuseWhileRunning(Admin admin, String applicationId) throws InterruptedException {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId)).all()
                    .get(30, TimeUnit.SECONDS).get(applicationId);
            if (group != null && !group.members().isEmpty()) {
                throw new Refused("the aggregate '" + applicationId + "' is running (" + group.members().size()
                        + " member(s) in its group): stop every `kassa aggregate` instance first; the gateway and the relay may keep running");
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw new Refused("cannot tell whether the aggregate is running: " + e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            throw new Refused("the cluster did not answer within 30 s");
        }
    }

    /** Records in a topic (end − start offsets over its partitions): the denominator of the progress bar. */
    private static long recordsIn(Admin admin, String topic) throws InterruptedException {
        int partitions = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var start = get(admin.listOffsets(earliest).all());
        var end = get(admin.listOffsets(latest).all());
        long total = 0;
        for (TopicPartition tp : end.keySet()) {
            total += end.get(tp).offset() - start.get(tp).offset();
        }
        return total;
    }

    private static <T> T get(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new Refused("Kafka refused the request: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new Refused("the cluster did not answer within 30 s");
        }
    }
}
