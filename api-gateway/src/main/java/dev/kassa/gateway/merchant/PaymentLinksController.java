package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kassa.gateway.kafka.OfferStore;
import dev.kassa.gateway.links.PaymentLinks;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.PaymentLink;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /gateway/payment_links.php} (SPEC.md, payment links): {@code POST} defines a link and answers 201
 * {@code {ok, link_id, url}} and the rest of the link; {@code GET} lists the merchant's links, newest first;
 * {@code PATCH ?link_id=} with {@code {"active": false}} turns one off (and {@code true} on again).
 */
@Controller("/gateway/payment_links.php")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Payment links")
@SecurityRequirement(name = "bearer")
@SecurityRequirement(name = "apiKey")
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
class PaymentLinksController {

    /** The request body of a new link, for the OpenAPI document. */
    @Schema(name = "PaymentLinkRequest")
    record LinkRequest(@Schema(example = "25.00", description = "decimal string, > 0, at most the currency's minor digits") String amount,
                       @Schema(example = "EUR") String currency,
                       @Schema(example = "Invoice 2026-117", description = "shown to the buyer; 1 to 255 characters") String description,
                       @Schema(description = "false (default): one paid session at most; true: many", nullable = true) Boolean reusable,
                       @JsonProperty("max_uses") @Schema(description = "with reusable: 1 to 10,000 paid-or-open sessions at most", nullable = true) Integer maxUses,
                       @JsonProperty("expires_at") @Schema(description = "ISO-8601 or YYYY-MM-DD HH:MM:SS (UTC), in the future", nullable = true) String expiresAt) {
    }

    private final OfferStore offerStore;
    private final PaymentLinks links;

    PaymentLinksController(OfferStore offerStore, PaymentLinks links) {
        this.offerStore = offerStore;
        this.links = links;
    }

    @Post
    @Consumes(MediaType.ALL)
    @Operation(summary = "Create a payment link", description = "Share `url`: each buyer who opens it gets a checkout session of their own, "
            + "under the platform's domain, with `meta.payment_link` = `link_id` (also in its webhooks). A single-use link makes no "
            + "new session once paid; `max_uses` caps paid-or-open sessions even under concurrent buyers.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LinkRequest.class)))
    @ApiResponse(responseCode = "201", description = "the link: ok, link_id, url, amount, currency, description, reusable, max_uses, expires_at, active, state")
    @ApiResponse(responseCode = "400", description = "invalid_json, missing_field, invalid_amount, invalid_currency, invalid_description, "
            + "invalid_reusable, invalid_max_uses, invalid_expires_at", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<Map<String, Object>> create(@Parameter(hidden = true) Merchant merchant, @Nullable @Body @Parameter(hidden = true) String body)
            throws Exception {
        PaymentLink link = links.create(merchant, LinkJson.spec(Json.object(body)));
        return HttpResponse.created(answer(links.describe(link)));
    }

    @Get
    @Operation(summary = "The merchant's payment links, newest first")
    @ApiResponse(responseCode = "200", description = "ok, links: [...] as created, with sessions_opened, paid_count, open_checkouts")
    HttpResponse<Map<String, Object>> list(@Parameter(hidden = true) Merchant merchant) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("links", offerStore.links(merchant.getMerchantId()).stream().map(links::describe).toList());
        return HttpResponse.ok(answer);
    }

    @Patch
    @Consumes(MediaType.ALL)
    @Operation(summary = "Turn a payment link off or on", description = "`{\"active\": false}`: the link makes no new session; checkouts "
            + "already open go on.")
    @ApiResponse(responseCode = "200", description = "the link as it now is")
    @ApiResponse(responseCode = "400", description = "invalid_link_id, invalid_active", content = @Content(schema = @Schema(implementation = MerchantApi.Failure.class)))
    HttpResponse<Map<String, Object>> change(@Parameter(hidden = true) Merchant merchant,
                                             @QueryValue(value = "link_id", defaultValue = "") String linkId,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        var json = Json.object(body);
        PaymentLink link = links.own(merchant, linkId);
        var active = json.get("active");
        if (active == null || !active.isBoolean()) {
            throw new ApiError(ErrorCode.INVALID_ACTIVE, "send {\"active\": false} to turn the link off, true to turn it on");
        }
        return HttpResponse.ok(answer(links.describe(links.setActive(merchant, link.getLinkId(), active.asBoolean()))));
    }

    private static Map<String, Object> answer(Map<String, Object> link) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.putAll(link);
        return answer;
    }
}
