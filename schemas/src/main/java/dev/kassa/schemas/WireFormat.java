package dev.kassa.schemas;

import io.apicurio.registry.resolver.client.RegistryClientFacade;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * How Kassa's records are framed on Kafka, for the whole JVM.
 *
 * <ul>
 *   <li>Default: Avro single-object encoding ({@code 0xC3 0x01}, the 8-byte schema fingerprint, the body); the
 *       schemas travel in Kassa's jar (docs/TOPICS.md shows a consumer).</li>
 *   <li>With {@code kassa.schema-registry.url} set ({@link #useRegistry(String)}): the Confluent wire format
 *       ({@code 0x00}, a 4-byte schema id, the Avro binary body) through Apicurio Registry's serde, which registers
 *       each topic's schema under {@code <topic>-value}, so Kafka Connect, ksqlDB, Flink and Confluent
 *       deserializers read the topics with the registry alone.</li>
 * </ul>
 * Reading accepts both framings in either mode (the first byte tells them apart), so a cluster can move from one to
 * the other while old records are still on the topics.
 */
public final class WireFormat {

    /** The system property (and configuration key) that turns registry mode on. */
    public static final String REGISTRY_URL_PROPERTY = "kassa.schema-registry.url";

    private static volatile Registry registry;

    private record Registry(String url, RegistryClientFacade client) {
    }

    private WireFormat() {
    }

    /** Confluent framing through the Apicurio Registry at {@code url} (e.g. http://registry:8080/apis/registry/v3). */
    public static synchronized void useRegistry(String url) {
        registry = new Registry(url, null);
    }

    /** Confluent framing through a given registry client (tests pass an in-memory one). */
    public static synchronized void useRegistry(RegistryClientFacade client) {
        registry = new Registry(null, client);
    }

    /** Back to single-object encoding. */
    public static synchronized void useSingleObject() {
        registry = null;
    }

    /** The environment variable that does the same, for containers. */
    public static final String REGISTRY_URL_ENV = "KASSA_SCHEMA_REGISTRY_URL";

    /**
     * Registry mode when {@value #REGISTRY_URL_PROPERTY} is set as a system property or {@value #REGISTRY_URL_ENV} in
     * the environment; called by every entry point before any topology or client is built.
     */
    public static void configureFromSystemProperties() {
        String url = System.getProperty(REGISTRY_URL_PROPERTY, System.getenv(REGISTRY_URL_ENV));
        if (url != null && !url.isBlank()) {
            useRegistry(url.trim());
        }
    }

    public static boolean registryMode() {
        return registry != null;
    }

    static boolean confluentFramed(byte[] bytes) {
        return bytes.length > 5 && bytes[0] == 0;
    }

    static <T extends SpecificRecord> AvroKafkaSerializer<T> serializer(boolean isKey) {
        Registry r = registry;
        if (r == null) {
            throw new IllegalStateException("no schema registry configured");
        }
        AvroKafkaSerializer<T> serializer = r.client() == null ? new AvroKafkaSerializer<>() : new AvroKafkaSerializer<>(r.client());
        serializer.configure(config(r), isKey);
        return serializer;
    }

    static <T extends SpecificRecord> AvroKafkaDeserializer<T> deserializer(boolean isKey) {
        Registry r = registry;
        if (r == null) {
            throw new SerializationException("a record in the Confluent wire format (schema id framing) needs "
                    + REGISTRY_URL_PROPERTY + " to be read");
        }
        AvroKafkaDeserializer<T> deserializer = r.client() == null ? new AvroKafkaDeserializer<>() : new AvroKafkaDeserializer<>(r.client());
        deserializer.configure(config(r), isKey);
        return deserializer;
    }

    private static Map<String, Object> config(Registry r) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", r.url() == null ? "http://in-memory.invalid" : r.url());
        config.put("apicurio.registry.auto-register", true);
        config.put("apicurio.registry.headers.enabled", false);
        config.put("apicurio.registry.use-specific-avro-reader", true);
        return config;
    }
}
