package dev.kassa.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.shared.ApiError;
import org.junit.jupiter.api.Test;

/** The operator API's endpoint JSON as typed commands; a filter of 100,000 entries is refused with its code. */
class EndpointJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_filter_longer_than_any_useful_one_is_refused_by_its_length() {
        ObjectNode body = JSON.createObjectNode().put("url", "https://shop.example/hooks");
        ArrayNode filter = body.putArray("event_filter");
        for (int i = 0; i < 100_000; i++) {
            filter.add("paid");
        }
        assertThatThrownBy(() -> EndpointJson.spec(body))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_event_filter"));
        assertThatThrownBy(() -> EndpointJson.patch(body))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_event_filter"));
    }

    @Test
    void a_patch_names_only_what_it_changes() throws Exception {
        var patch = EndpointJson.patch(JSON.readTree("{\"max_per_second\": null, \"rotate_secret\": true}"));
        assertThat(patch.maxPerSecond()).as("null: no throttle").isNotNull();
        assertThat(patch.maxPerSecond().value()).isNull();
        assertThat(patch.eventFilter()).as("absent: unchanged").isNull();
        assertThat(patch.rotateSecret()).isTrue();
    }
}
