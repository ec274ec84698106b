package dev.kassa.schemas;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One Kafka producer for a service, typed by the topic it writes to: {@code send(Topics.MERCHANTS, id, merchant)}
 * encodes with that topic's own serdes, so a value can only go to the topic whose descriptor names its type, and no
 * service keeps a serializer chain of its own. One producer (one idempotence sequence, shared batches) for every
 * topic a service writes; the record is partitioned on the encoded key, as a typed producer would.
 */
public final class TopicProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;

    public TopicProducer(Map<String, Object> config) {
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public <K, V> Future<RecordMetadata> send(Topic<K, V> topic, K key, V value) {
        return send(topic, key, value, null);
    }

    public <K, V> Future<RecordMetadata> send(Topic<K, V> topic, K key, V value, Callback callback) {
        byte[] keyBytes = topic.keySerde().serializer().serialize(topic.name(), key);
        byte[] valueBytes = value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value);
        return producer.send(new ProducerRecord<>(topic.name(), keyBytes, valueBytes), callback);
    }

    public void flush() {
        producer.flush();
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        producer.close();
    }
}
