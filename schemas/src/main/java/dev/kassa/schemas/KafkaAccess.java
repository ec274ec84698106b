package dev.kassa.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * How a service reaches the cluster: the bootstrap servers, and the operator's client properties file (Kafka's own
 * {@code --command-config} convention: {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config},
 * TLS stores). Every client a service makes (producers, consumers, admin, Kafka Streams) is configured through
 * {@link #config(Map)}, so a service runs as one principal. The settings a service sets in code win over the file:
 * an operator's file cannot turn off {@code acks=all} or {@code read_committed}, on which the money rules rest.
 */
public record KafkaAccess(String bootstrapServers, Map<String, String> clientProperties) {

    /** Properties that name what to talk to or how to encode; they come from Kassa, never from the file. */
    private static final Set<String> NOT_FROM_FILE = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer", "application.id");

    public KafkaAccess {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** No security settings: a PLAINTEXT cluster (development, tests). */
    public static KafkaAccess of(String bootstrapServers) {
        return new KafkaAccess(bootstrapServers, Map.of());
    }

    /**
     * With the client properties in {@code file} (none when {@code file} is null). A file that cannot be read, or
     * that names the bootstrap servers or serializers, is refused with a message saying what to change.
     */
    public static KafkaAccess load(String bootstrapServers, Path file) {
        if (file == null) {
            return of(bootstrapServers);
        }
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("the Kafka client config " + file + " cannot be read (" + e.getMessage()
                    + "); pass a readable properties file with --kafka-config.", e);
        }
        Map<String, String> props = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (NOT_FROM_FILE.contains(name)) {
                throw new IllegalArgumentException("the Kafka client config " + file + " sets " + name
                        + ", which Kassa sets itself; remove it from the file (use --bootstrap for the servers).");
            }
            props.put(name, p.getProperty(name).strip());
        }
        return new KafkaAccess(bootstrapServers, props);
    }

    /** A client's configuration: the bootstrap servers, the operator's properties, then {@code settings} (which win). */
    public Map<String, Object> config(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(clientProperties);
        config.putAll(settings);
        return config;
    }

    /** The same for Kafka Streams, which hands unprefixed client properties to every client it makes. */
    public Properties streams(Properties settings) {
        Properties p = new Properties();
        p.putAll(config(Map.of()));
        p.putAll(settings);
        return p;
    }

    /** Whether clients authenticate (for logs: which principal setup a service runs with, never the secret). */
    public String describe() {
        String protocol = clientProperties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        String mechanism = clientProperties.get("sasl.mechanism");
        return bootstrapServers + " (" + protocol + (mechanism == null ? "" : ", " + mechanism) + ")";
    }

    @Override
    public String toString() {
        // The record's own toString would print sasl.jaas.config, password included.
        return "KafkaAccess[" + describe() + "]";
    }
}
