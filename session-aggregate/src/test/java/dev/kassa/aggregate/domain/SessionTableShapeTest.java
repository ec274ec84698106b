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
    void no_command_has_two_rows_for_one_status_and_terminal_refunded_leads_nowhere() {
        Set<String> seen = new HashSet<>();
        for (SessionTransitions.Row row : SessionTransitions.TABLE) {
            if (row.from().noSession()) {
                assertThat(seen.add(row.kind() + "/none")).as("%s before the session has one row", row.kind()).isTrue();
            }
            for (SessionStatus from : row.from().statuses()) {
                assertThat(seen.add(row.kind() + "/" + from)).as("%s in %s has one row", row.kind(), from).isTrue();
            }
        }
        // What refunded takes (a second payment to flag, a refund or its answer asked again) changes nothing.
        assertThat(SessionTransitions.TABLE).filteredOn(row -> row.from().statuses().contains(REFUNDED))
                .allSatisfy(row -> assertThat(row.to()).as("%s from refunded", row.kind()).isEmpty());
        // Only a create is taken before the session exists, and it creates it.
        assertThat(SessionTransitions.TABLE).filteredOn(row -> row.from().noSession())
                .singleElement().satisfies(row -> {
                    assertThat(row.kind()).isEqualTo(SessionTransitions.Kind.CREATE);
                    assertThat(row.to()).containsExactly(CREATED);
                });
    }
}
