package dev.kassa.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates Kassa's topics with their declared config, or verifies existing ones and reports what differs. */
public final class TopicProvisioner {

    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final TopicLayout layout;

    public TopicProvisioner(Admin admin, TopicLayout layout) {
        this.admin = admin;
        this.layout = layout;
    }

    /** What happened to one topic. */
    public enum Action { CREATED, VERIFIED, DIFFERS }

    /** The outcome for one topic; {@code differences} says, one line each, what is not as declared. */
    public record TopicCheck(String topic, Action action, List<String> differences) {
    }

    /** The config a topic is created with under this layout: its declared config plus min.insync.replicas. */
    public Map<String, String> expectedConfig(Topic<?, ?> topic) {
        Map<String, String> config = new TreeMap<>(topic.config());
        config.put("min.insync.replicas", Integer.toString(layout.minInsyncReplicas()));
        return config;
    }

    /** Creates what is missing and checks what exists, for every topic in {@link Topics#all()}. */
    public List<TopicCheck> ensure() throws InterruptedException {
        return ensure(Topics.all());
    }

    /** Creates what is missing and checks what exists. */
    public List<TopicCheck> ensure(Collection<Topic<?, ?>> topics) throws InterruptedException {
        Set<String> existing = call(admin.listTopics().names());
        List<NewTopic> toCreate = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            if (!existing.contains(topic.name())) {
                toCreate.add(new NewTopic(topic.name(), layout.partitions(), layout.replicationFactor()).configs(expectedConfig(topic)));
            }
        }
        Set<String> created = new HashSet<>();
        if (!toCreate.isEmpty()) {
            CreateTopicsResult result = admin.createTopics(toCreate);
            for (Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new TopicProvisioningException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e);
                    }
                    // created by someone else meanwhile: verify it below like any existing topic
                } catch (TimeoutException e) {
                    throw new TopicProvisioningException("creating topic " + entry.getKey() + " timed out after " + TIMEOUT_SECONDS + " s", e);
                }
            }
        }
        awaitLeaders(created);
        List<TopicCheck> checks = new ArrayList<>();
        Map<String, Topic<?, ?>> toVerify = new LinkedHashMap<>();
        for (Topic<?, ?> topic : topics) {
            if (!created.contains(topic.name())) {
                toVerify.put(topic.name(), topic);
            }
        }
        Map<String, List<String>> differences = verify(toVerify);
        for (Topic<?, ?> topic : topics) {
            if (created.contains(topic.name())) {
                checks.add(new TopicCheck(topic.name(), Action.CREATED, List.of()));
            } else {
                List<String> diff = differences.get(topic.name());
                checks.add(new TopicCheck(topic.name(), diff.isEmpty() ? Action.VERIFIED : Action.DIFFERS, diff));
            }
        }
        return checks;
    }

    /**
     * Returns once every partition of the new topics has a leader. A producer that writes to a partition whose
     * leader is not elected yet gets NOT_LEADER_OR_FOLLOWER and retries; seen here with an idempotent producer, the
     * retried first batch then raced the partition's creation and was refused as out of sequence for the whole
     * delivery timeout (2 minutes). Returning only when leaders exist keeps first writes clean.
     */
    private void awaitLeaders(Set<String> topics) throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                descriptions = Map.of(); // not visible yet: ask again
            }
            boolean ready = descriptions.size() == topics.size() && descriptions.values().stream()
                    .allMatch(d -> d.partitions().size() == layout.partitions()
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty() && !p.isr().isEmpty()));
            if (ready) {
                // The leader in the metadata can be ahead of the partition's log being opened on that broker: ask
                // each partition's leader for its end offset, which only a leader with the partition open answers.
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                descriptions.values().forEach(d -> d.partitions().forEach(p -> ends.put(
                        new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                try {
                    admin.listOffsets(ends).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // a leader not serving yet: ask again
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TopicProvisioningException("the new topics " + topics + " have no leader for every partition after "
                        + TIMEOUT_SECONDS + " s; check that the brokers are up", null);
            }
            Thread.sleep(50); // polling the cluster's metadata: there is no notification to wait on
        }
    }

    private Map<String, List<String>> verify(Map<String, Topic<?, ?>> topics) throws InterruptedException {
        Map<String, List<String>> differences = new HashMap<>();
        if (topics.isEmpty()) {
            return differences;
        }
        Map<String, TopicDescription> descriptions = call(admin.describeTopics(topics.keySet()).allTopicNames());
        List<ConfigResource> resources = topics.keySet().stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = call(admin.describeConfigs(resources).all());
        for (Topic<?, ?> topic : topics.values()) {
            List<String> diff = new ArrayList<>();
            TopicDescription description = descriptions.get(topic.name());
            int partitions = description.partitions().size();
            if (partitions != layout.partitions()) {
                diff.add("partitions: " + partitions + " (declared " + layout.partitions() + ")");
            }
            int replicas = description.partitions().get(0).replicas().size();
            if (replicas != layout.replicationFactor()) {
                diff.add("replication factor: " + replicas + " (declared " + layout.replicationFactor() + ")");
            }
            Config actual = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
            for (Map.Entry<String, String> expected : expectedConfig(topic).entrySet()) {
                ConfigEntry entry = actual.get(expected.getKey());
                String value = entry == null ? null : entry.value();
                if (!expected.getValue().equals(value)) {
                    diff.add(expected.getKey() + ": " + value + " (declared " + expected.getValue() + ")");
                }
            }
            differences.put(topic.name(), diff);
        }
        return differences;
    }

    private static <T> T call(KafkaFuture<T> future) throws InterruptedException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new TopicProvisioningException("Kafka refused the request: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("Kafka did not answer within " + TIMEOUT_SECONDS + " s", e);
        }
    }

    /** Topics could not be created or read; the message says what Kafka answered. */
    public static final class TopicProvisioningException extends RuntimeException {
        public TopicProvisioningException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
