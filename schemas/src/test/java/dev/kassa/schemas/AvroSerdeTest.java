package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<SessionEvent> serde = new AvroSerde<>(SessionEvent.class);

    @Test
    void an_event_round_trips_with_the_single_object_header() {
        SessionEvent event = SampleRecords.paid(12345, 3);
        byte[] bytes = serde.encode(event);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(serde.schema()));
        assertThat(serde.decode(bytes)).isEqualTo(event);
    }

    @Test
    void a_record_written_with_an_older_schema_decodes_with_defaults_for_new_fields() throws Exception {
        // An "older release" of SessionEvent: the same record without previous_status, which has a default.
        Schema older = withoutField(serde.schema(), "previous_status");
        SessionEvent current = SampleRecords.created(77);
        GenericRecord old = new GenericData.Record(older);
        for (Schema.Field field : older.getFields()) {
            old.put(field.name(), GenericData.get().deepCopy(field.schema(), toGeneric(current, field.name())));
        }
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

        AvroSerde<SessionEvent> reader = new AvroSerde<>(SessionEvent.class, List.of(older));
        SessionEvent decoded = reader.decode(written);

        assertThat(decoded.getSessionId()).isEqualTo(77);
        assertThat(decoded.getStatus()).isEqualTo(SessionStatus.CREATED);
        assertThat(decoded.getPreviousStatus()).isNull();
        assertThat(decoded.getPayload()).isEqualTo(current.getPayload());
    }

    @Test
    void a_record_from_an_unknown_schema_is_a_serialization_error_not_garbage() throws Exception {
        Schema stranger = withoutField(serde.schema(), "previous_status");
        GenericRecord old = new GenericData.Record(stranger);
        SessionEvent current = SampleRecords.created(1);
        for (Schema.Field field : stranger.getFields()) {
            old.put(field.name(), GenericData.get().deepCopy(field.schema(), toGeneric(current, field.name())));
        }
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(old).array();
        assertThatThrownBy(() -> serde.decode(written))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("cannot decode SessionEvent");
    }

    @Test
    void truncated_bytes_are_a_serialization_error() {
        byte[] bytes = serde.encode(SampleRecords.paid(1, 2));
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length / 2);
        assertThatThrownBy(() -> serde.decode(truncated)).isInstanceOf(SerializationException.class);
    }

    @Test
    void event_keys_are_sixteen_bytes_that_start_with_the_session_id() {
        SessionEventKey key = new SessionEventKey(9_007_199_254_740_991L, 42);
        byte[] bytes = key.toBytes();
        assertThat(bytes).hasSize(16);
        assertThat(ByteBuffer.wrap(bytes).getLong()).isEqualTo(9_007_199_254_740_991L);
        assertThat(SessionEventKey.fromBytes(bytes)).isEqualTo(key);
        assertThatThrownBy(() -> SessionEventKey.fromBytes(new byte[8])).isInstanceOf(SerializationException.class);
    }

    private static Object toGeneric(SessionEvent event, String field) throws Exception {
        // Specific -> generic through the binary form of the field's own value.
        Object value = event.get(field);
        if (value instanceof java.time.Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof org.apache.avro.specific.SpecificRecord record) {
            return specificToGeneric(record);
        }
        if (value instanceof Enum<?> e) {
            return new GenericData.EnumSymbol(event.getSchema().getField(field).schema(), e.name());
        }
        return value;
    }

    private static GenericRecord specificToGeneric(org.apache.avro.specific.SpecificRecord record) throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        var encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<org.apache.avro.specific.SpecificRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        var decoder = org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null);
        return new org.apache.avro.generic.GenericDatumReader<GenericRecord>(record.getSchema()).read(null, decoder);
    }

    /** The schema without one field: an "older release" when that field has a default. */
    static Schema withoutField(Schema schema, String name) {
        List<Schema.Field> fields = schema.getFields().stream()
                .filter(f -> !f.name().equals(name))
                .map(f -> new Schema.Field(f, f.schema()))
                .toList();
        return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }
}
