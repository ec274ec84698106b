package dev.kassa.aggregate.domain;

import static dev.kassa.schemas.avro.SessionStatus.CANCELLED;
import static dev.kassa.schemas.avro.SessionStatus.CREATED;
import static dev.kassa.schemas.avro.SessionStatus.EXPIRED;
import static dev.kassa.schemas.avro.SessionStatus.FAILED;
import static dev.kassa.schemas.avro.SessionStatus.PAID;
import static dev.kassa.schemas.avro.SessionStatus.PENDING;
import static dev.kassa.schemas.avro.SessionStatus.REFUNDED;
import static dev.kassa.schemas.avro.SessionStatus.REVIEW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.SessionStatus;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The table is held once, as rows; the changes of status it allows are SPEC.md's lifecycle (plus failed -> review). */
class SessionTableShapeTest {

    @Test
    void the_changes_of_status_made_from_the_rows_are_the_lifecycle_of_the_spec() {
        assertThat(SessionTransitions.ALLOWED).isEqualTo(Map.of(
                CREATED, EnumSet.of(PENDING, PAID, FAILED, CANCELLED, EXPIRED, REVIEW),
                PENDING, EnumSet.of(PENDING, PAID, FAILED, REVIEW, CANCELLED, EXPIRED),
                FAILED, EnumSet.of(PENDING, PAID, CANCELLED, EXPIRED, REVIEW),
                REVIEW, EnumSet.of(PAID, FAILED, REFUNDED),
                PAID, EnumSet.of(REFUNDED),
                EXPIRED, EnumSet.of(PAID, REVIEW),
                CANCELLED, EnumSet.of(REVIEW),
                REFUNDED, EnumSet.noneOf(SessionStatus.class)));
    }

    @Test
    void no_command_has_two_rows_for_one_status_and_terminal_refunded_takes_nothing_but_a_payment_to_flag() {
        Set<String> seen = new HashSet<>();
        for (SessionTransitions.Row row : SessionTransitions.TABLE) {
            for (SessionStatus from : row.from()) {
                assertThat(seen.add(row.kind() + "/" + from)).as("%s in %s has one row", row.kind(), from).isTrue();
            }
        }
        assertThat(SessionTransitions.TABLE).filteredOn(row -> row.from().contains(REFUNDED))
                .extracting(SessionTransitions.Row::kind).containsExactly(SessionTransitions.Kind.REPORT_PAID);
    }
}
