package dev.kassa.gateway.operator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.gateway.accounts.KeyRotation;
import dev.kassa.gateway.accounts.MerchantChanges;
import dev.kassa.gateway.accounts.MerchantSpec;
import dev.kassa.gateway.accounts.MerchantUsers;
import dev.kassa.gateway.kafka.MerchantDirectory;
import dev.kassa.gateway.kafka.UserStore;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Json;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.SecretKeyring;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
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
 * The operator API: {@code POST /admin/merchants} creates a merchant and shows its API key and webhook secret once;
 * {@code PATCH /admin/merchants/{id}} changes one.
 */
@Tag(name = "Merchants")
@SecurityRequirement(name = OperatorDocsController.ADMIN_TOKEN)
@ApiResponse(responseCode = "401", description = "missing_api_key, invalid_api_key: the admin token is missing or wrong")
@Controller("/admin/merchants")
@ExecuteOn(TaskExecutors.BLOCKING)
class MerchantAdminController {

    private final MerchantDirectory merchantDirectory;
    private final UserStore userStore;
    private final GatewaySettings settings;

    private final SessionCommands commands;
    private final SecretKeyring keyring;

    private final MerchantChanges changes;
    private final MerchantUsers users;

    MerchantAdminController(MerchantDirectory merchantDirectory, UserStore userStore, GatewaySettings settings,
                            SessionCommands commands, SecretKeyring keyring,
                            MerchantChanges changes, MerchantUsers users) {
        this.changes = changes;
        this.users = users;
        this.commands = commands;
        this.keyring = keyring;
        this.merchantDirectory = merchantDirectory;
        this.userStore = userStore;
        this.settings = settings;
    }

    @Post
    @Operation(operationId = "createMerchant", summary = "Create a merchant; its API key and webhook secret are shown once")
    @ApiResponse(responseCode = "201", description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.MerchantCreated.class)))
    @RequestBody(required = true, description = "A JSON object: email (required), domains, package (free, pro, unlimited), checkout_mode (hosted_checkout, smart_router), country, webhook_url, session_ttl_seconds (1-86,400), grace_seconds (0-604,800), rate_limit_per_second, routing_allow, routing_block, payout_wallet {network, address}, crypto_enabled, display_name (at most 100 characters), support_email, support_url (https): what buyers see", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.MerchantCreated> create(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                             @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        requireOperator(authorization);
        MerchantSpec.Created created = changes.create(MerchantJson.spec(Json.object(body)));
        return HttpResponse.created(new OperatorApi.MerchantCreated(true, created.merchantId(), created.apiKey(), created.webhookSecret()));
    }

    /**
     * {@code POST /admin/merchants/{id}/api-keys} (SPEC.md, API keys): a new API key, shown once; the previous one keeps
     * working for {@code previous_key_expires_in_seconds} (default 86,400; 0 revokes it at once), then leaves every
     * gateway's index. Only the current and the one previous key ever work: a second rotation ends the first overlap.
     */
    @Post("/{merchantId}/api-keys")
    @Operation(operationId = "rotateApiKey", summary = "A new API key, shown once; the previous one works for the overlap")
    @ApiResponse(responseCode = "201", description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.KeyRotated.class)))
    @RequestBody(required = true, description = "A JSON object: previous_key_expires_in_seconds (default 86,400; 0 revokes the previous key at once); the body may be empty", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.KeyRotated> rotateKey(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                                long merchantId, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        requireOperator(authorization);
        JsonNode json = body == null || body.isBlank() ? Json.MAPPER.createObjectNode() : Json.object(body);
        KeyRotation.RotatedKey rotated = changes.rotateKey(merchantId, MerchantJson.keyRotation(json));
        return HttpResponse.created(new OperatorApi.KeyRotated(true, rotated.merchantId(), rotated.apiKey(),
                rotated.previousKeyExpiresAt() == null ? null : rotated.previousKeyExpiresAt().toString()));
    }

    /**
     * {@code PATCH /admin/merchants/{id}}: webhook URL (null removes it), secret rotation (the old secret keeps
     * signing for 24 h; the new one is shown once), re-enabling a disabled endpoint, disable, ttl, grace,
     * package, checkout mode, late-payment policy, domains, routing allow/block lists.
     */
    @Patch("/{merchantId}")
    @Operation(operationId = "changeMerchant", summary = "Change a merchant: only the fields present")
    @RequestBody(required = true, description = "A JSON object: webhook_url (null removes it), rotate_webhook_secret, webhook_enabled, disabled, session_ttl_seconds, grace_seconds, package, checkout_mode, late_payment_policy, domains, routing_allow, routing_block, rate_limit_per_second, payout_wallet, crypto_enabled, display_name, support_email, support_url (null or blank removes each), collect_defaults {name, phone, billing_address, shipping_address} (what a create without collect asks)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.MerchantChanged> update(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                             long merchantId, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        requireOperator(authorization);
        JsonNode json = Json.object(body);
        MerchantChanges.MerchantChanged changed = changes.change(merchantId, MerchantJson.patch(json));
        return HttpResponse.ok(new OperatorApi.MerchantChanged(true, changed.merchantId(), changed.webhookSecret()));
    }

    /**
     * {@code POST /admin/merchants/{id}/users} {@code {"email"}}: a dashboard user for the merchant, and the one-time link
     * that sets their password (valid 72 hours; shown once). For an existing user of this merchant, a new link (the old
     * one stops working): the way to reset a forgotten password.
     */
    @Post("/{merchantId}/users")
    @Operation(operationId = "inviteUser", summary = "A dashboard user and its one-time set-password link (72 hours); again for a new link")
    @ApiResponse(responseCode = "201", description = "created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperatorApi.UserInvited.class)))
    @RequestBody(required = true, description = "A JSON object: email (required)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = "object")))
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.UserInvited> addUser(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                              long merchantId, @Nullable @Body @Parameter(hidden = true) String body) throws Exception {
        requireOperator(authorization);
        MerchantUsers.Invitation invitation = users.invite(merchantId, Json.text(Json.object(body), "email"));
        return HttpResponse.created(new OperatorApi.UserInvited(true, invitation.email(), invitation.merchantId(),
                invitation.setPasswordUrl(), invitation.expiresAt().toString()));
    }

    /**
     * {@code DELETE /admin/merchants/{id}/users/{email}}: the person no longer signs in to the merchant's dashboard; their
     * sessions end at once (SPEC.md, "Accounts"). 404 when the e-mail is not one of this merchant's users.
     */
    @Delete("/{merchantId}/users/{email}")
    @Operation(operationId = "removeUser", summary = "Remove a dashboard user; their sessions end at once")
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.UserRemoved> removeUser(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization,
                                                 long merchantId, String email) throws Exception {
        requireOperator(authorization);
        users.remove(merchantId, email);
        return HttpResponse.ok(new OperatorApi.UserRemoved(true, MerchantUsers.normalize(email), merchantId, true));
    }

    /**
     * {@code POST /admin/merchants/reseal-secrets}: after a new key was put first in the keyring, every sealed secret not
     * sealed (v2) with it is resealed — every endpoint's signing secret and previous secret, every dashboard user's
     * two-step key — and counted per kind: its data key rewrapped, a v1 or clear one sealed bound to its owner. Run it
     * until {@code remaining} is 0, then the old key can leave the keyring (docs/SECURITY.md, "Rotating the keyring").
     */
    @Post("/reseal-secrets")
    @Operation(operationId = "resealSecrets", summary = "Reseal every sealed secret with the keyring's first key; run until remaining is 0")
    @Consumes(MediaType.ALL)
    HttpResponse<OperatorApi.SecretsResealed> resealSecrets(@Parameter(hidden = true) @Header(value = "Authorization", defaultValue = "") String authorization)
            throws Exception {
        requireOperator(authorization);
        if (!keyring.seals()) {
            throw new ApiError(ErrorCode.NO_KEYRING, "this gateway has no secrets keyring; start it with --secrets-keyring FILE");
        }
        SecretReseal.Counts endpoints = new SecretReseal(keyring, merchantDirectory, userStore, commands).merchants();
        SecretReseal.Counts twoStep = new SecretReseal(keyring, merchantDirectory, userStore, commands).users();
        int remaining = endpoints.remaining() + twoStep.remaining();
        return HttpResponse.ok(new OperatorApi.SecretsResealed(endpoints.unreadable().isEmpty() && twoStep.unreadable().isEmpty() && remaining == 0,
                keyring.primaryKeyId(), new OperatorApi.Resealed(endpoints.resealed(), twoStep.resealed()), remaining,
                endpoints.unreadable(), twoStep.unreadable()));
    }

    private void requireOperator(String authorization) {
        Operators.require(settings, authorization);
    }

}
