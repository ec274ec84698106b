package dev.kassa.aggregate.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.model.ErrorCode;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every code the decider can refuse or flag with is in the catalogue, so the gateway can answer it with a status. */
class ErrorCodesInCatalogueTest {

    @Test
    void every_rejection_code_of_the_decider_is_in_the_catalogue() throws Exception {
        List<String> codes = new ArrayList<>();
        for (Field field : SessionTransitions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                codes.add((String) field.get(null));
            }
        }
        assertThat(codes).hasSizeGreaterThan(10);
        // The processor's own codes, for commands it cannot decide at all.
        codes.add("undecodable_command");
        codes.add("key_mismatch");
        for (String code : codes) {
            assertThat(ErrorCode.of(code).code()).isEqualTo(code);
        }
    }
}
