package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.links.Products;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.Money;
import dev.kassa.model.SeedTime;
import dev.kassa.schemas.avro.Product;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The operator's side of products (SPEC.md): {@code POST /admin/merchants/{id}/products} makes one,
 * {@code GET} lists the merchant's, {@code PATCH /admin/merchants/{id}/products/{slug}} changes one (name, description,
 * price, image, active). The merchant does the same in the dashboard.
 */
@Tag(name = "Products")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
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
    @Operation(operationId = "createProduct", summary = "Create a product with its page /p/{slug}")
    @ApiResponse(responseCode = "201", description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.ProductAnswer.class)))
    @RequestBody(required = true, description = "A JSON object: slug (required), name (required), description, amount (decimal string), currency, image_url (https), active", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.ProductAnswer> create(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        JsonNode json = checked(authorization, merchantId, body);
        return HttpResponse.created(answer(products.create(merchantId, ProductJson.spec(json))));
    }

    @Get
    @Operation(operationId = "listProducts", summary = "The merchant's products")
    HttpResponse<OperatorApi.ProductList> list(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId) {
        checked(authorization, merchantId, "{}");
        return HttpResponse.ok(new OperatorApi.ProductList(true, offerStore.products(merchantId).stream().map(this::view).toList()));
    }

    @Patch("/{slug}")
    @Operation(operationId = "changeProduct", summary = "Change a product: only the fields present (amount with currency)")
    @RequestBody(required = true, description = "A JSON object: name, description, amount and currency, image_url (null removes it), active", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.ProductAnswer> change(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization, long merchantId,
                                             String slug, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        JsonNode json = checked(authorization, merchantId, body);
        return HttpResponse.ok(answer(products.change(merchantId, slug, ProductJson.patch(json))));
    }

    private JsonNode checked(String authorization, long merchantId, String body) {
        Operators.require(settings, authorization);
        if (merchantDirectory.merchantRecord(merchantId) == null) {
            throw new ApiError(ErrorCode.NOT_FOUND, "no merchant " + merchantId);
        }
        return Json.object(body);
    }

    private OperatorApi.ProductAnswer answer(Product product) {
        return new OperatorApi.ProductAnswer(true, view(product));
    }

    private OperatorApi.Product view(Product p) {
        return new OperatorApi.Product(p.getSlug(), products.url(p), p.getName(), p.getDescription(),
                Money.toDecimal(p.getAmountMinor(), p.getCurrency()), p.getCurrency(), p.getImageUrl(), p.getActive(),
                SeedTime.format(p.getCreatedAt()));
    }
}
