package dev.kassa.aggregate.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.ReportedStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderStatusesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            completed,       PAID
            COMPLETED,       PAID
            succeeded,       PAID
            under_review,    REVIEW
            declined,        FAILED
            insufficient_funds, FAILED
            requires_action, PENDING
            refunded,        REFUNDED
            teleported,      UNKNOWN
            """)
    void provider_words_are_normalized(String word, ReportedStatus expected) {
        assertThat(ProviderStatuses.normalize(word)).isEqualTo(expected);
    }
}
