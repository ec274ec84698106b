package dev.kassa.gateway.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.links.ProductSpec;
import dev.kassa.gateway.shared.ApiError;
import org.junit.jupiter.api.Test;

/** The operator API's product JSON as typed commands: a patch names only what it changes. */
class ProductJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void a_product_is_read_as_sent() throws Exception {
        ProductSpec spec = ProductJson.spec(JSON.readTree("""
                {"slug": "blue-mug", "name": "Blue mug", "amount": "12.50", "currency": "EUR", "active": false}"""));
        assertThat(spec).isEqualTo(new ProductSpec("blue-mug", "Blue mug", null, "12.50", "EUR", null, false));
    }

    @Test
    void a_patch_names_only_what_it_changes() throws Exception {
        ProductSpec.Patch patch = ProductJson.patch(JSON.readTree("{\"currency\": \"USD\", \"image_url\": null}"));
        assertThat(patch.name()).as("absent: unchanged").isNull();
        assertThat(patch.price()).as("either half of a price asks for both").isEqualTo(new ProductSpec.Price(null, "USD"));
        assertThat(patch.imageUrl()).as("null: the image removed").isEmpty();
        assertThat(patch.active()).isNull();
        assertThat(ProductJson.patch(JSON.readTree("{\"active\": true}"))).isEqualTo(ProductSpec.Patch.active(true));
    }

    @Test
    void a_shape_the_json_cannot_mean_has_its_code() {
        assertThatThrownBy(() -> ProductJson.spec(JSON.readTree("{\"slug\": \"mug\", \"amount\": 12.5, \"currency\": \"EUR\"}")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_amount"));
        assertThatThrownBy(() -> ProductJson.patch(JSON.readTree("{\"name\": [\"Blue\", \"mug\"]}")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_name"));
        assertThatThrownBy(() -> ProductJson.patch(JSON.readTree("{\"active\": \"yes\"}")))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_active"));
    }
}
