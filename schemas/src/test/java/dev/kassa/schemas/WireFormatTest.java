package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both wire formats, and what a downstream consumer that knows only the registry does with the registry one. */
class WireFormatTest {

    private static final Merchant MERCHANT = Merchant.newBuilder().setMerchantId(42).setEmail("m@example.com")
            .setApiKeyHash("sha256:00").setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO)
            .setCheckoutMode(CheckoutMode.SMART_ROUTER).setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
            .setUpdatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();

    @AfterEach
    void reset() {
        WireFormat.useSingleObject();
    }

    @Test
    void without_a_registry_records_are_single_object_encoded() {
        byte[] bytes = Topics.MERCHANTS.valueSerde().serializer().serialize(Topics.MERCHANTS.name(), MERCHANT);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(Topics.MERCHANTS.valueSerde().deserializer().deserialize(Topics.MERCHANTS.name(), bytes)).isEqualTo(MERCHANT);
    }

    @Test
    void with_a_registry_records_carry_the_confluent_framing_and_any_consumer_with_the_registry_reads_them() throws Exception {
        InMemoryRegistry registry = new InMemoryRegistry();
        WireFormat.useRegistry(registry);
        byte[] bytes = new AvroSerde<>(Merchant.class).serializer().serialize(Topics.MERCHANTS.name(), MERCHANT);

        assertThat(bytes[0]).as("magic byte").isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.schemas).containsKey((long) id);
        assertThat(registry.artifacts).containsKey(Topics.MERCHANTS.name() + "-value");

        // What a Confluent-style consumer does: schema id -> the schema and the named types it references (the enums
        // and nested records are registered as their own artifacts) -> plain Avro binary after the 5 framing bytes.
        Schema.Parser parser = new Schema.Parser();
        for (var reference : registry.getReferencesByContentId(id)) {
            parser.parse(registry.getSchemaByGAV(reference.getGroupId(), reference.getArtifactId(), reference.getVersion()));
        }
        Schema writer = parser.parse(registry.schemas.get((long) id));
        GenericRecord read = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(read.get("merchant_id")).isEqualTo(42L);
        assertThat(read.get("email").toString()).isEqualTo("m@example.com");

        // Kassa's own deserializer reads it back as the specific class.
        assertThat(new AvroSerde<>(Merchant.class).deserializer().deserialize(Topics.MERCHANTS.name(), bytes)).isEqualTo(MERCHANT);
    }

    @Test
    void a_reader_takes_both_framings_in_either_mode() {
        byte[] single = new AvroSerde<>(Merchant.class).serializer().serialize(Topics.MERCHANTS.name(), MERCHANT);
        WireFormat.useRegistry(new InMemoryRegistry());
        byte[] framed = new AvroSerde<>(Merchant.class).serializer().serialize(Topics.MERCHANTS.name(), MERCHANT);
        var reader = new AvroSerde<>(Merchant.class).deserializer();
        assertThat(reader.deserialize(Topics.MERCHANTS.name(), single)).isEqualTo(MERCHANT);
        assertThat(reader.deserialize(Topics.MERCHANTS.name(), framed)).isEqualTo(MERCHANT);
    }

    @Test
    void a_framed_record_without_a_registry_says_what_is_missing() {
        WireFormat.useRegistry(new InMemoryRegistry());
        byte[] framed = new AvroSerde<>(Merchant.class).serializer().serialize(Topics.MERCHANTS.name(), MERCHANT);
        WireFormat.useSingleObject();
        assertThatThrownBy(() -> new AvroSerde<>(Merchant.class).deserializer().deserialize(Topics.MERCHANTS.name(), framed))
                .isInstanceOf(SerializationException.class).hasMessageContaining("kassa.schema-registry.url");
    }
}
