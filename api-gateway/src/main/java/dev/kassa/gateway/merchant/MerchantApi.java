package dev.kassa.gateway.merchant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kassa.model.ErrorCode;
import dev.kassa.model.SessionView;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The merchant API's answers as typed records: what the handlers return, what the OpenAPI document describes, and
 * so what a merchant's code can rely on. Fields are spelled as the seeds spell them; a field that is null is still
 * sent (as seed 003's examples show), except where a record says otherwise.
 */
public final class MerchantApi {

    private MerchantApi() {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionCreated", description = "A checkout session was created (or an Idempotency-Key's first answer is repeated).")
    public record Created(@Schema(description = "always true") boolean ok,
                   @JsonProperty("session_id") @Schema(description = "below 2^53, never a card number") long sessionId,
                   @JsonProperty("checkout_url") @Schema(description = "send the buyer here") String checkoutUrl,
                   @JsonProperty("direct_url") @Schema(nullable = true, description = "straight to the chosen provider's screen, when the router chose one") String directUrl,
                   @JsonProperty("selected_provider") @Schema(nullable = true) String selectedProvider,
                   @JsonProperty("smart_route") boolean smartRoute,
                   @JsonProperty("expires_at") @Schema(description = "UTC, yyyy-MM-dd HH:mm:ss", example = "2026-02-25 12:15:00") String expiresAt) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionStatusAnswer")
    public record Status(boolean ok, Session session) {
    }

    /** A session as the status answer shows it: {@link SessionView}'s fields, the same as the webhook's. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Session")
    public record Session(long id,
                   @JsonProperty("order_id") String orderId,
                   @Schema(allowableValues = {"created", "pending", "paid", "failed", "expired", "cancelled", "review", "refunded"}) String status,
                   @Schema(description = "decimal string in the currency's minor digits", example = "79.00") String amount,
                   String currency,
                   @JsonProperty("paid_amount") @Schema(nullable = true, description = "what the provider reported as received") String paidAmount,
                   @JsonProperty("paid_currency") @JsonInclude(JsonInclude.Include.NON_NULL)
                   @Schema(description = "only when the payment came in another currency") String paidCurrency,
                   @JsonProperty("refunded_amount") String refundedAmount,
                   @JsonProperty("review_reason") @Schema(nullable = true, description = "set in review: amount_mismatch, paid_after_grace, ...") String reviewReason,
                   @JsonProperty("shop_domain") String shopDomain,
                   @JsonProperty("created_at") String createdAt,
                   @JsonProperty("expires_at") String expiresAt,
                   @JsonProperty("payment_url") String paymentUrl,
                   @Schema(nullable = true) String txid,
                   @JsonProperty("txid_in") @Schema(nullable = true) String txidIn,
                   @JsonProperty("txid_out") @Schema(nullable = true) String txidOut,
                   @JsonProperty("paid_value_coin") @Schema(nullable = true) String paidValueCoin,
                   @JsonProperty("paid_coin") @Schema(nullable = true) String paidCoin,
                   @JsonProperty("polygon_address_in") @Schema(nullable = true) String polygonAddressIn,
                   @JsonProperty("last_error") @Schema(nullable = true) String lastError,
                   @Schema(description = "the object the merchant sent at create") Map<String, Object> meta,
                   @Schema(nullable = true, description = "what is sold, in words, as sent at create") String description,
                   @JsonProperty("line_items") @Schema(description = "what is sold, line by line, as sent at create; empty when not itemized") List<Line> lineItems,
                   @Schema(nullable = true, description = "what the buyer gave on the hosted page (name, phone, billing_address, shipping_address, custom_fields); null until asked and answered") Map<String, Object> payer) {

        static Session of(SessionView view, String paymentUrl, Map<String, Object> meta) {
            Map<String, String> refs = view.references();
            return new Session(view.sessionId(), view.orderId(), view.status(), view.amount(), view.currency(), view.paidAmount(),
                    view.paidCurrency(), view.refundedAmount(), view.reviewReason(), view.shopDomain(), view.createdAt(), view.expiresAt(),
                    paymentUrl, refs.get("txid"), refs.get("txid_in"), refs.get("txid_out"), refs.get("paid_value_coin"),
                    refs.get("paid_coin"), refs.get("polygon_address_in"), view.lastError(), meta, view.description(),
                    view.lineItems().stream().map(l -> new Line(l.name(), l.quantity(), l.unitAmount())).toList(), view.payer());
        }
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "MerchantProfile")
    public record Me(boolean ok,
              @JsonProperty("merchant_id") long merchantId,
              String email,
              @Schema(allowableValues = {"free", "pro", "unlimited"}) @JsonProperty("package") String pack,
              @JsonProperty("checkout_mode") String checkoutMode,
              @JsonProperty("integration_mode") String integrationMode,
              String country,
              @JsonProperty("smart_router") SmartRouter smartRouter,
              @Schema(description = "crypto checkout (EPv3): offered only when enabled with a payout wallet") Crypto crypto) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "CryptoCheckout")
    public record Crypto(boolean enabled, @Schema(description = "enabled and a payout wallet set") boolean available,
                         @JsonProperty("payout_wallet") @Schema(nullable = true) Map<String, String> payoutWallet) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record SmartRouter(@JsonProperty("enabled_global") boolean enabledGlobal,
                       @JsonProperty("allowed_for_package") boolean allowedForPackage,
                       boolean effective,
                       Map<String, MethodState> methods) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MethodState(boolean enabled, boolean configured, boolean available) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "CommandAccepted", description = "The aggregate applied the command (or had applied it before).")
    public record Changed(boolean ok, @JsonProperty("session_id") long sessionId, @Schema(nullable = true) String status) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "RefundAnswer", description = "200 when the provider refunded; 502 refund_refused when it refused (nothing was refunded).")
    public record Refunded(boolean ok,
                    @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "refund_refused, only when refused") String error,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String message,
                    @JsonProperty("session_id") long sessionId,
                    String status,
                    @JsonProperty("refund_id") String refundId,
                    @JsonProperty("refund_status") @Schema(allowableValues = {"refunded", "refused"}) String refundStatus,
                    String amount,
                    @JsonProperty("refunded_amount") String refundedAmount,
                    @JsonProperty("provider_refund_id") @Schema(nullable = true) String providerRefundId) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "PaymentLog", description = "Seed 001's payment log: what happened to a session, in order.")
    public record PaymentLog(boolean ok, @JsonProperty("session_id") long sessionId, List<LogEntry> events) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record LogEntry(@Schema(description = "ISO-8601") String at,
                    @Schema(allowableValues = {"event", "webhook"}) String kind,
                    String what,
                    @Schema(nullable = true) String status,
                    @Schema(nullable = true) Long sequence,
                    @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "why, in SPEC.md's codes: a review reason, a failure code, a refund phase")
                    String reason) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "SessionList", description = "A page of the merchant's sessions, newest first.")
    public record SessionList(boolean ok, List<Session> sessions,
                              @JsonProperty("next_cursor") @Schema(nullable = true, description = "pass as starting_after for the next page; null: no more")
                              String nextCursor) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "EventsPage", description = "The merchant's events, oldest first: each the exact body of its webhook (see `webhooks`).")
    public record EventsPage(boolean ok,
                             @Schema(description = "webhook bodies, byte for byte; their shapes are the document's webhooks by `type`")
                             List<Object> events,
                             @JsonProperty("next_cursor") @Schema(description = "pass as `after` for the next page (also when has_more is false: "
                                     + "events that come later follow it)") String nextCursor,
                             @JsonProperty("has_more") boolean hasMore) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "WebhookAttempts", description = "Every attempt to deliver a session's webhooks, to each endpoint, oldest first.")
    public record WebhookAttempts(boolean ok, @JsonProperty("session_id") long sessionId, List<WebhookAttemptView> attempts) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "WebhookAttempt")
    public record WebhookAttemptView(@JsonProperty("event_id") String eventId,
                              @JsonProperty("endpoint_id") @Schema(description = "we_<key>; the first endpoint's is we_<merchant id>") String endpointId,
                              String url,
                              @Schema(description = "1 for the first try") int attempt,
                              @JsonProperty("attempted_at") @Schema(description = "ISO-8601") String attemptedAt,
                              @JsonProperty("status_code") @Schema(nullable = true) Integer statusCode,
                              @JsonProperty("latency_ms") @Schema(nullable = true, description = "null: not attempted") Long latencyMs,
                              @Schema(allowableValues = {"delivered", "retry_scheduled", "parked", "endpoint_disabled", "unknown"}) String outcome,
                              @Schema(nullable = true) String error,
                              @Schema(nullable = true, description = "why it failed: timeout (connect, TLS, headers and body within the deadline, default 15 s), "
                                      + "http_status (not 2xx; redirects are not followed), connection_failed, tls_failed, refused (not a URL Kassa calls), "
                                      + "protocol_error; null when delivered or not attempted",
                                      allowableValues = {"timeout", "http_status", "connection_failed", "tls_failed", "refused", "protocol_error"}) String reason,
                              @JsonProperty("next_attempt_at") @Schema(nullable = true) String nextAttemptAt,
                              boolean redelivery,
                              @JsonProperty("response_excerpt") @Schema(nullable = true, description = "the first 1 KB of the answer's body") String responseExcerpt) {
    }

    /** Every error answer; the codes and their statuses are the catalogue ({@link ErrorCode}), listed under {@code x-error-codes}. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @Schema(name = "Error")
    public record Failure(@Schema(description = "always false") boolean ok,
                   @Schema(description = "a code from x-error-codes, e.g. invalid_amount") String error,
                   @Schema(description = "what to change, in one sentence") String message) {
    }
    // Requests. The handlers parse the body themselves (so that bad JSON is invalid_json and every field error has its
    // code); these records are the documented shape.

    @Serdeable
    @Schema(name = "CreateSessionRequest", requiredProperties = {"domain", "amount", "currency", "order_id"})
    public record CreateRequest(@Schema(description = "a host or URL; must be one of the merchant's approved domains", example = "yourshop.com") String domain,
                         @Schema(description = "decimal string, > 0, at most the currency's minor digits", example = "79.00") String amount,
                         @Schema(description = "ISO 4217", example = "EUR") String currency,
                         @JsonProperty("order_id") @Schema(description = "the merchant's order; alias merchant_ref") String orderId,
                         @JsonProperty("merchant_ref") @Schema(description = "alias of order_id") String merchantRef,
                         @JsonProperty("customer_email") String customerEmail,
                         @JsonProperty("return_url") @Schema(description = "where the buyer goes after paying, with session_id added; kept only if https on one of the merchant's domains or a subdomain") String returnUrl,
                         @JsonProperty("cancel_url") @Schema(description = "where the buyer's cancel (and an expired checkout) leads, with session_id added; kept only if https on one of the merchant's domains or a subdomain") String cancelUrl,
                         @Schema(description = "an object, stored and echoed") Map<String, Object> meta,
                         @Schema(description = "routing hint: card, paypal, revolut, bank, ideal, other, or a provider slug") String method,
                         @Schema(description = "routing hint (same meaning as method)") String provider,
                         @JsonProperty("payment_method") @Schema(description = "routing hint (same meaning as method)") String paymentMethod,
                         @JsonProperty("payment_provider") @Schema(description = "routing hint (same meaning as method)") String paymentProvider,
                         @Schema(description = "what is sold, in words: at most 500 characters, shown to the buyer") String description,
                         @JsonProperty("line_items") @Schema(description = "at most 100 lines in the session's currency; quantity × unit_amount must sum to amount (invalid_line_items)") List<Line> lineItems,
                         @Schema(description = "what the hosted page asks the buyer: booleans name, phone, billing_address, shipping_address (invalid_collect)") Map<String, Boolean> collect,
                         @JsonProperty("custom_fields") @Schema(description = "at most 3 of {key: a-z 0-9 _, label <= 100, type: text|numeric|dropdown, options: a dropdown's 1-200 {label, value}, optional} (invalid_custom_fields)") List<Map<String, Object>> customFields) {
    }

    /** One line of what a session sells. */
    @Serdeable
    @Schema(name = "LineItem", requiredProperties = {"name", "quantity", "unit_amount"})
    public record Line(@Schema(description = "1 to 200 characters") String name,
                       @Schema(description = "1 to 999", minimum = "1", maximum = "999") int quantity,
                       @JsonProperty("unit_amount") @Schema(description = "decimal string in the session's currency, > 0", example = "12.50") String unitAmount) {
    }

    @Serdeable
    @Schema(name = "SessionReference", requiredProperties = {"session_id"})
    public record SessionRef(@JsonProperty("session_id") long sessionId) {
    }

    @Serdeable
    @Schema(name = "RefundRequest", requiredProperties = {"session_id"})
    public record RefundRequest(@JsonProperty("session_id") long sessionId,
                         @Schema(description = "decimal string; absent refunds all that is left", example = "10.00") String amount,
                         @Schema(description = "shown in the session's log") String reason,
                         @JsonProperty("refund_id") @Schema(description = "names the refund, as Idempotency-Key does") String refundId) {
    }

    @Serdeable
    @Schema(name = "ReviewRequest", requiredProperties = {"session_id", "decision"})
    public record ReviewRequest(@JsonProperty("session_id") long sessionId,
                         @Schema(description = "approve (the session becomes paid), reject (failed; only where no money was received) "
                                 + "or refund (the provider returns what it took; refunded)", example = "approve") String decision,
                         @Schema(description = "at most 500 characters; in the session's history", nullable = true) String note) {
    }
}
