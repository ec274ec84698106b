package dev.kassa.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaCeilingTest {

    @Test
    void a_short_run_measures_every_phase_and_stays_within_its_bound(KafkaCluster kafka) throws Exception {
        KafkaCeiling.Result result = new KafkaCeiling(kafka, Duration.ofSeconds(10)).run();
        assertThat(result.producedRecords()).isPositive();
        // The consumer phase stops at its share of the time, like every phase: on a busy machine it reads part of what
        // was produced (comparing for equality failed then). What it promises: something read, nothing invented.
        assertThat(result.consumedRecords()).isBetween(1L, result.producedRecords());
        assertThat(result.foldedRecords()).isPositive();
        assertThat(result.producerRecordsPerSecond()).isPositive();
        assertThat(result.consumerRecordsPerSecond()).isPositive();
        assertThat(result.streamsRecordsPerSecond()).isPositive();
        // Phases are bounded by their share; set-up (topic creation, streams input) comes on top.
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(60));
    }

    @Test
    void durations_read_as_a_person_writes_them() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(converter.convert("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT30S")).isEqualTo(Duration.ofSeconds(30));
    }
}
