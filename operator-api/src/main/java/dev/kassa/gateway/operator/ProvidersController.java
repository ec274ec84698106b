package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.payments.ProviderAccountChanges;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.ProviderAccount;
import io.micronaut.core.annotation.Nullable;
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
 * {@code GET /admin/providers}, {@code PUT|DELETE /admin/providers/{slug}} (operator token): the operator's accounts at
 * live providers. A PUT gives the whole account ({@code secret_key}, {@code webhook_secret}, {@code methods?},
 * {@code currencies?}); the keys are sealed with the keyring before they reach a topic and are never answered back.
 * {@code kassa providers add|list|remove} do the same.
 */
@Tag(name = "Providers")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/providers")
@ExecuteOn(TaskExecutors.BLOCKING)
class ProvidersController {

    private final GatewaySettings settings;
    private final ProviderAccountChanges changes;

    ProvidersController(GatewaySettings settings, ProviderAccountChanges changes) {
        this.settings = settings;
        this.changes = changes;
    }

    @Get
    @Operation(operationId = "providerAccounts", summary = "The accounts at live providers (never their keys)")
    OperatorApi.ProviderAccounts list(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization) {
        Operators.require(settings, authorization);
        return new OperatorApi.ProviderAccounts(true, changes.all().stream().map(ProvidersController::view).toList());
    }

    @Put("/{provider}")
    @Operation(operationId = "putProviderAccount", summary = "Add or replace the account at a live provider, in use everywhere without a restart")
    @ApiResponse(responseCode = "400", description = "invalid_json, invalid_provider_account")
    @ApiResponse(responseCode = "404", description = "not_found: not a live provider Kassa connects to")
    @RequestBody(required = true, description = "A JSON object: secret_key (sk_… or rk_…), webhook_secret (whsec_…), methods (default [card]), "
            + "currencies (default: every one the connector takes)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    OperatorApi.ProviderAccountView put(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                        String provider, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        Operators.require(settings, authorization);
        JsonNode json = Json.object(body);
        ProviderAccount saved = changes.put(provider, new ProviderAccountChanges.AccountChange(
                Json.textField(json, "secret_key", ErrorCode.INVALID_PROVIDER_ACCOUNT), Json.textField(json, "webhook_secret", ErrorCode.INVALID_PROVIDER_ACCOUNT),
                strings(json, "methods"), strings(json, "currencies")), "operator");
        return view(saved);
    }

    @Delete("/{provider}")
    @Operation(operationId = "removeProviderAccount", summary = "Remove the account at a live provider: no payment goes to it from now on")
    OperatorApi.ProviderRemoved remove(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                       String provider) throws Exception {
        Operators.require(settings, authorization);
        return new OperatorApi.ProviderRemoved(true, ProviderAccountChanges.live(provider).slug(), changes.remove(provider));
    }

    private static List<String> strings(JsonNode json, String field) {
        JsonNode list = json.get(field);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray() || list.size() > 64) {
            throw new ApiError(ErrorCode.INVALID_PROVIDER_ACCOUNT, "'" + field + "' must be a list of at most 64 names");
        }
        List<String> values = new ArrayList<>();
        list.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static OperatorApi.ProviderAccountView view(ProviderAccount a) {
        return new OperatorApi.ProviderAccountView(a.getProvider(), List.copyOf(a.getMethods()), List.copyOf(a.getCurrencies()),
                a.getSecretKey().startsWith(SecretKeyring.SEALED), a.getChangedBy(), a.getChangedAt().toString());
    }
}
