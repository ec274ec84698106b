package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.links.Products;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator's side of products (SPEC.md): {@code POST /admin/merchants/{id}/products} makes one,
 * {@code GET} lists the merchant's, {@code PATCH /admin/merchants/{id}/products/{slug}} changes one (name, description,
 * price, image, active). The merchant does the same in the dashboard.
 */
@Hidden
@Controller("/admin/merchants/{merchantId}/products")
@ExecuteOn(TaskExecutors.BLOCKING)
class ProductsAdminController {

    private final MerchantDirectory merchantDirectory;
    private final OfferStore offerStore;
    private final GatewaySettings settings;
    private final Products products;

    ProductsAdminController(MerchantDirectory merchantDirectory, OfferStore offerStore, GatewaySettings settings,
                            Products products) {
        this.merchantDirectory = merchantDirectory;
        this.offerStore = offerStore;
        this.settings = settings;
        this.products = products;
    }

    @Post
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> create(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             @Nullable @Body String body) throws Exception {
        JsonNode json = checked(authorization, merchantId, body);
        return HttpResponse.created(answer("product", products.describe(products.create(merchantId, ProductJson.spec(json)))));
    }

    @Get
    HttpResponse<Map<String, Object>> list(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId) {
        checked(authorization, merchantId, "{}");
        return HttpResponse.ok(answer("products", offerStore.products(merchantId).stream().map(products::describe).toList()));
    }

    @Patch("/{slug}")
    @Consumes(MediaType.ALL)
    HttpResponse<Map<String, Object>> change(@Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             String slug, @Nullable @Body String body) throws Exception {
        JsonNode json = checked(authorization, merchantId, body);
        return HttpResponse.ok(answer("product", products.describe(products.change(merchantId, slug, ProductJson.patch(json)))));
    }

    private JsonNode checked(String authorization, long merchantId, String body) {
        Operators.require(settings, authorization);
        if (merchantDirectory.merchantRecord(merchantId) == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        return Json.object(body);
    }

    private static Map<String, Object> answer(String name, Object value) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put(name, value);
        return answer;
    }
}
