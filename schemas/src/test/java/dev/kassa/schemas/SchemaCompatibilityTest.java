package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaCompatibilityTest {

    static Stream<Schema> topicValueSchemas() {
        return Topics.all().stream()
                .map(Topic::valueSerde)
                .filter(AvroSerde.class::isInstance)
                .map(serde -> ((AvroSerde<?>) serde).schema());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicValueSchemas")
    void the_current_schema_is_released_as_a_kept_version(Schema current) {
        List<Schema> kept = KeptSchemas.of(current.getFullName());
        assertThat(SchemaEvolution.isKept(current, kept))
                .as("%s changed: copy the current schema (AvroSerde.schema().toString(true)) to "
                        + "schemas/src/main/resources/avro-history/%s/v%d.avsc, so records written with it stay readable",
                        current.getFullName(), current.getFullName(), kept.size() + 1)
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicValueSchemas")
    void the_current_schema_reads_and_is_read_by_every_kept_version(Schema current) {
        assertThat(SchemaEvolution.incompatibilities(current, KeptSchemas.of(current.getFullName()))).isEmpty();
    }

    @Test
    void a_new_field_without_a_default_is_caught() {
        Schema v1 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        assertThat(SchemaEvolution.incompatibilities(v2, List.of(v1)))
                .singleElement().asString().contains("cannot read v1 (not backward compatible)");
    }

    @Test
    void removing_a_field_without_a_default_is_caught() {
        Schema v1 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"},{"name":"b","type":"string"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"}]}""");
        assertThat(SchemaEvolution.incompatibilities(v2, List.of(v1)))
                .singleElement().asString().contains("v1 cannot read the current schema (not forward compatible)");
    }

    @Test
    void a_new_optional_field_with_a_default_passes() {
        Schema v1 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"}]}""");
        Schema v2 = parse("""
                {"type":"record","name":"X","fields":[{"name":"a","type":"long"},{"name":"b","type":["null","string"],"default":null}]}""");
        assertThat(SchemaEvolution.incompatibilities(v2, List.of(v1))).isEmpty();
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
