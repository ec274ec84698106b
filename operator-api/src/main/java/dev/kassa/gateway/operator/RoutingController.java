package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.payments.RoutingChanges;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.router.RoutingSetting;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Put;
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
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET|PUT /admin/routing} (operator token): the routing rules and provider health every gateway routes with,
 * changed live. A PUT replaces both ({@code {"rules", "unhealthy", "note"?, "expected_version"?}}) and answers once
 * this gateway routes with them; a DELETE forgets them (each gateway's start-up flags rule again). {@code kassa routing
 * set|show|clear} do the same.
 */
@Tag(name = "Routing")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/routing")
@ExecuteOn(TaskExecutors.BLOCKING)
class RoutingController {

    private final GatewaySettings settings;
    private final RoutingChanges changes;

    RoutingController(GatewaySettings settings, RoutingChanges changes) {
        this.settings = settings;
        this.changes = changes;
    }

    @Get
    @Operation(operationId = "routingSettings", summary = "The routing rules and provider health in effect on this gateway")
    OperatorApi.RoutingSettingView show(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization) {
        Operators.require(settings, authorization);
        return view(changes.current());
    }

    @Put
    @Operation(operationId = "changeRouting", summary = "Replace the routing rules and provider health, on every gateway without a restart")
    @ApiResponse(responseCode = "400", description = "invalid_json, invalid_routing_rules, invalid_unhealthy, invalid_note, invalid_expected_version")
    @ApiResponse(responseCode = "409", description = "routing_version_conflict: they changed since expected_version")
    @RequestBody(required = true, description = "A JSON object: rules (text such as off=wert; card=revolut,transak; empty: none), "
            + "unhealthy (provider slugs that are down), note, expected_version (refused when the settings are at another version)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    OperatorApi.RoutingSettingView change(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                          @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        String rules = Json.textField(json, "rules", ErrorCode.INVALID_ROUTING_RULES);
        List<String> unhealthy = new ArrayList<>();
        JsonNode down = json.get("unhealthy");
        if (down != null && !down.isNull()) {
            if (!down.isArray()) {
                throw new ApiError(ErrorCode.INVALID_UNHEALTHY, "'unhealthy' must be a list of provider slugs, e.g. [\"moonpay\"]");
            }
            for (JsonNode slug : down) {
                if (!slug.isTextual() || unhealthy.size() > RoutingChanges.MAX_UNHEALTHY) {
                    throw new ApiError(ErrorCode.INVALID_UNHEALTHY, "'unhealthy' must be at most " + RoutingChanges.MAX_UNHEALTHY
                            + " provider slugs (text)");
                }
                unhealthy.add(slug.asText());
            }
        }
        JsonNode expected = json.get("expected_version");
        Long expectedVersion = null;
        if (expected != null && !expected.isNull()) {
            if (!expected.canConvertToLong() || !expected.isIntegralNumber()) {
                throw new ApiError(ErrorCode.INVALID_EXPECTED_VERSION, "'expected_version' must be a whole number GET /admin/routing answered");
            }
            expectedVersion = expected.asLong();
        }
        RoutingSetting now = changes.change(new RoutingChanges.RoutingChange(rules, unhealthy,
                Json.textField(json, "note", ErrorCode.INVALID_NOTE), expectedVersion), "operator");
        return view(now);
    }

    @Delete
    @Operation(operationId = "clearRouting", summary = "Forget the operator's routing settings: each gateway's start-up flags rule again")
    OperatorApi.RoutingSettingView clear(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization)
            throws Exception {
        Operators.require(settings, authorization);
        return view(changes.clear());
    }

    private static OperatorApi.RoutingSettingView view(RoutingSetting setting) {
        return new OperatorApi.RoutingSettingView(true, setting.version(), setting.version() == 0 ? "flags" : "operator",
                setting.rules().version(), setting.rulesText(), List.copyOf(setting.unhealthy()), setting.changedBy(),
                setting.version() == 0 ? null : setting.changedAt().toString(), setting.note());
    }
}
