package dev.kassa.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (0xC3 0x01, the writer schema's 8-byte CRC-64-AVRO fingerprint, then the binary
 * body) for one record type. Decodes records written with the current schema or with any kept version of it. In
 * schema-registry mode ({@link WireFormat}) its serializer writes the Confluent wire format instead; its
 * deserializer reads both framings.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    static {
        // Avro 1.12 decodes only classes from trusted packages; Kassa's generated classes are Kassa's own.
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(),
                type -> type.getName().startsWith("dev.kassa.")));
    }

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** A serde for {@code type} that also reads every version kept in the jar. */
    public AvroSerde(Class<T> type) {
        this(type, KeptSchemas.of(SpecificData.getForClass(type).getSchema(type).getFullName()));
    }

    /** A serde for {@code type} that also reads the given older writer schemas. */
    public AvroSerde(Class<T> type, List<Schema> olderVersions) {
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema);
        for (Schema older : olderVersions) {
            decoder.addSchema(older);
        }
    }

    /** The schema this serde writes. */
    public Schema schema() {
        return schema;
    }

    /** Encodes one record; the bytes are exactly what goes on the topic. */
    public byte[] encode(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes one record written with the current schema or a kept version. */
    public T decode(byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode " + schema.getName() + " (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        if (!WireFormat.registryMode()) {
            return (topic, record) -> record == null ? null : encode(record);
        }
        Serializer<T> registered = WireFormat.serializer(false);
        return (topic, record) -> record == null ? null : registered.serialize(topic, record);
    }

    @Override
    public Deserializer<T> deserializer() {
        return new Deserializer<>() {
            private Deserializer<T> registered;

            @Override
            public T deserialize(String topic, byte[] bytes) {
                if (bytes == null) {
                    return null;
                }
                if (!WireFormat.confluentFramed(bytes)) {
                    return decode(bytes);
                }
                if (registered == null) {
                    registered = WireFormat.deserializer(false);
                }
                return registered.deserialize(topic, bytes);
            }
        };
    }
}
