package dev.kassa.gateway.operator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * What the operator API answers, as typed records: the JSON shapes of its OpenAPI document
 * ({@code /admin/openapi.yml}, generated from these and the controllers) and what the controllers return. Every field
 * is written, null included, as the maps before them did; a secret shown once is written only when one was made.
 */
final class OperatorApi {

    private OperatorApi() {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ProviderAccounts")
    record ProviderAccounts(boolean ok, List<ProviderAccountView> accounts) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ProviderAccount", description = "An account at a live provider; its keys are never answered")
    record ProviderAccountView(String provider, List<String> methods,
                               @Schema(description = "empty: every currency the connector takes") List<String> currencies,
                               @Schema(description = "whether its keys are sealed with the keyring on the topic (false: no keyring)") boolean sealed,
                               @JsonProperty("changed_by") String changedBy, @JsonProperty("changed_at") String changedAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ProviderRemoved")
    record ProviderRemoved(boolean ok, String provider, boolean removed) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "FoundSessions")
    record Found(boolean ok, @Schema(description = "newest first; at most 50; only sessions still in the views (docs/OPERATIONS.md)")
                 List<FoundSession> sessions) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "FoundSession")
    record FoundSession(@JsonProperty("session_id") long sessionId, @JsonProperty("merchant_id") long merchantId,
                        @JsonProperty("order_id") String orderId, String status, String amount, String currency,
                        @JsonProperty("created_at") String createdAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "RoutingSetting")
    record RoutingSettingView(boolean ok,
                              @Schema(description = "0: no operator setting yet, this gateway's start-up flags rule; from 1 on, the operator's")
                              long version,
                              @Schema(description = "flags or operator") String source,
                              @JsonProperty("rules_version") @Schema(description = "what each routing decision records (v<version>, or config:<digest> for flags)")
                              String rulesVersion,
                              String rules, List<String> unhealthy,
                              @JsonProperty("changed_by") String changedBy,
                              @JsonProperty("changed_at") @Schema(nullable = true) String changedAt,
                              @Schema(nullable = true) String note) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "MerchantCreated")
    record MerchantCreated(boolean ok, @JsonProperty("merchant_id") long merchantId,
                           @JsonProperty("api_key") @Schema(description = "shown once") String apiKey,
                           @JsonProperty("webhook_secret") @Schema(description = "shown once") String webhookSecret) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL) // ok and the id are never null; the secret only when one was made
    @Schema(name = "MerchantChanged")
    record MerchantChanged(boolean ok, @JsonProperty("merchant_id") long merchantId,
                           @JsonProperty("webhook_secret")
                           @Schema(description = "only when the change made a new one; shown once", nullable = true) String webhookSecret) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "KeyRotated")
    record KeyRotated(boolean ok, @JsonProperty("merchant_id") long merchantId,
                      @JsonProperty("api_key") @Schema(description = "shown once") String apiKey,
                      @JsonProperty("previous_key_expires_at") @Schema(description = "null: the previous key was revoked at once", nullable = true)
                      String previousKeyExpiresAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "UserInvited")
    record UserInvited(boolean ok, String email, @JsonProperty("merchant_id") long merchantId,
                       @JsonProperty("set_password_url") @Schema(description = "one-time; shown once") String setPasswordUrl,
                       @JsonProperty("expires_at") String expiresAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "UserRemoved")
    record UserRemoved(boolean ok, String email, @JsonProperty("merchant_id") long merchantId, boolean removed) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SecretsResealed")
    record SecretsResealed(@Schema(description = "true when nothing is left to reseal and nothing was unreadable") boolean ok,
                           @JsonProperty("key_id") String keyId, Resealed resealed, int remaining,
                           @JsonProperty("unreadable_merchants") List<String> unreadableMerchants,
                           @JsonProperty("unreadable_users") List<String> unreadableUsers) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Resealed(@JsonProperty("endpoint_secrets") int endpointSecrets, @JsonProperty("two_step_keys") int twoStepKeys) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL) // ok and the id are never null; the secret only when one was made
    @Schema(name = "EndpointSaved")
    record EndpointSaved(boolean ok, @JsonProperty("endpoint_id") String endpointId,
                         @Schema(description = "only when a secret was made; shown once", nullable = true) String secret) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Endpoint")
    record Endpoint(@JsonProperty("endpoint_id") String endpointId, String url,
                    @JsonProperty("event_filter") @Schema(nullable = true, description = "null: every event") List<String> eventFilter,
                    @Schema(nullable = true) String description, boolean enabled,
                    @JsonProperty("disabled_reason") @Schema(nullable = true) String disabledReason,
                    @JsonProperty("max_per_second") @Schema(nullable = true) Integer maxPerSecond,
                    @Schema(description = "the seed's webhook_url") boolean first,
                    @JsonProperty("created_at") @Schema(nullable = true) String createdAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "EndpointList")
    record EndpointList(boolean ok, @JsonProperty("merchant_id") long merchantId, List<Endpoint> endpoints,
                        @JsonProperty("retry_schedule") @Schema(nullable = true, description = "null: the relay's") String retrySchedule) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "EndpointDeleted")
    record EndpointDeleted(boolean ok, @JsonProperty("endpoint_id") String endpointId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "PingQueued")
    record PingQueued(boolean ok, @JsonProperty("event_id") String eventId, @JsonProperty("endpoint_id") String endpointId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Attempt")
    record Attempt(@JsonProperty("event_id") String eventId, @JsonProperty("session_id") long sessionId, int attempt, String url,
                   @JsonProperty("attempted_at") String attemptedAt, @JsonProperty("status_code") @Schema(nullable = true) Integer statusCode,
                   @JsonProperty("latency_ms") @Schema(nullable = true) Long latencyMs, String outcome,
                   @Schema(nullable = true) String error, @Schema(nullable = true) String reason,
                   @JsonProperty("next_attempt_at") @Schema(nullable = true) String nextAttemptAt, boolean redelivery,
                   @JsonProperty("response_excerpt") @Schema(nullable = true) String responseExcerpt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "AttemptList")
    record AttemptList(boolean ok, @JsonProperty("endpoint_id") String endpointId, String since, List<Attempt> attempts) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ProductAnswer")
    record ProductAnswer(boolean ok, Product product) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Product")
    record Product(String slug, @Schema(description = "its page") String url, String name, String description,
                   @Schema(description = "decimal string", example = "9.00") String amount, String currency,
                   @JsonProperty("image_url") @Schema(nullable = true) String imageUrl, boolean active,
                   @JsonProperty("created_at") @Schema(description = "UTC, YYYY-MM-DD HH:MM:SS") String createdAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ProductList")
    record ProductList(boolean ok, List<Product> products) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "TimelineEntry")
    record TimelineEntry(String at, String kind, String what, @Schema(nullable = true) String detail,
                         @Schema(nullable = true) String status, @Schema(nullable = true) Long sequence) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "History")
    record History(boolean ok, @JsonProperty("session_id") long sessionId, List<TimelineEntry> timeline) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "StateAt")
    record StateAt(boolean ok, @JsonProperty("session_id") long sessionId, String at,
                   @Schema(nullable = true, description = "null: the session did not exist yet") String status,
                   @Schema(nullable = true) Long sequence) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Redelivered")
    record Redelivered(boolean ok, int queued, @JsonProperty("event_ids") List<String> eventIds) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "ReviewResolved")
    record ReviewResolved(boolean ok, @JsonProperty("session_id") long sessionId, String status) {
    }
}
