package dev.kassa.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error code Kassa answers, with its HTTP status and one line on what it means: the one catalogue behind
 * every {@code {"ok": false, "error": code, "message"}} answer, the OpenAPI document and the table in
 * docs/ERRORS.md (a test fails when the table and this enum differ). The code is the constant's name in
 * lower case. Codes named by the seeds keep the seeds' statuses.
 */
public enum ErrorCode {
    // Authentication and the merchant (seeds).
    MISSING_API_KEY(401, "no `Authorization: Bearer KEY` or `X-API-Key` header was sent"),
    INVALID_API_KEY(401, "the key is not known (or not the operator's key on /admin)"),
    MERCHANT_DISABLED(403, "the merchant is disabled by the operator"),
    RATE_LIMITED(429, "too many requests for this key; wait for `Retry-After` seconds"),
    // The request (seeds).
    INVALID_JSON(400, "the body is not a JSON object"),
    MISSING_FIELD(400, "a required field is absent or empty; the message names it"),
    INVALID_DOMAIN(400, "`domain` is not a host or URL"),
    DOMAIN_NOT_ALLOWED(403, "`domain` is not one of the merchant's approved domains"),
    INVALID_AMOUNT(400, "`amount` is not a positive decimal with at most 15 integer digits and the currency's minor digits, or is more than is left"),
    INVALID_CURRENCY(400, "`currency` is not an ISO 4217 code"),
    INVALID_EMAIL(400, "`customer_email` is not an e-mail address, is longer than 254 characters, or holds a card number"),
    INVALID_META(400, "`meta` is not a JSON object, has more than 50 keys or 8 KB, or holds a card number"),
    INVALID_ORDER_ID(400, "`order_id` is longer than 255 characters or holds a card number"),
    INVALID_RETURN_URL(400, "`return_url` is longer than 2,048 characters"),
    INVALID_CANCEL_URL(400, "`cancel_url` is longer than 2,048 characters"),
    INVALID_COLLECT(400, "`collect` is not an object of booleans name, phone, billing_address, shipping_address"),
    INVALID_CUSTOM_FIELDS(400, "`custom_fields` is not a list of at most 3 {key, label of at most 100, type text|numeric|dropdown, options (a dropdown's 1-200), optional}"),
    INVALID_PAYER(400, "what the buyer gave on the hosted page is missing or malformed (answered on the page, at the field)"),
    INVALID_LINE_ITEMS(400, "`line_items` is not a list of at most 100 {name, quantity 1-999, unit_amount} in the session's currency summing to `amount`"),
    INVALID_ROUTING_HINT(400, "a routing hint (`method`, `provider`, ...) is longer than 64 characters"),
    INVALID_IDEMPOTENCY_KEY(400, "an `Idempotency-Key` (or `refund_id`) is empty or longer than 255 characters"),
    INVALID_SESSION_ID(400, "`session_id` is not a session id"),
    INVALID_WEBHOOK_URL(400, "a webhook URL is not an https URL (http in development), is longer than 2,048 characters, or points to a loopback, private, link-local or metadata address"),
    TOO_MANY_WEBHOOK_ENDPOINTS(400, "the merchant has 10 webhook endpoints, the most there may be"),
    INVALID_EVENT_FILTER(400, "`event_filter` is not a list of event types, families (`refund.*`), session statuses, or [\"*\"]"),
    INVALID_DESCRIPTION(400, "`description` is not text within its limit: 255 characters (links, products, endpoints), 500 (a session); or a session's holds a card number"),
    INVALID_MAX_PER_SECOND(400, "`max_per_second` is not a whole number from 1 to 10,000 (or null for no throttle)"),
    INVALID_ENABLED(400, "`enabled` is not true or false"),
    INVALID_RETRY_SCHEDULE(400, "`webhook_retry_schedule` is not a list of 1 to 20 delays such as 5s,30s,2m,1h (or null for the relay's)"),
    INVALID_SIGNATURE(401, "a provider callback's signature does not verify"),
    INVALID_CALLBACK(400, "a provider callback lacks what it must carry (session, status, event id)"),
    BODY_TOO_LARGE(413, "the body is larger than the server accepts"),
    UNSUPPORTED_MEDIA_TYPE(415, "a body that is not `application/json`"),
    METHOD_NOT_ALLOWED(405, "this path does not take this HTTP method"),
    NOT_ACCEPTABLE(406, "the `Accept` header names no type this path answers in"),
    NOT_FOUND(404, "no such session (or path) for this merchant"),
    // Commands the aggregate refused (the transition table, SPEC.md's lifecycle).
    INVALID_TRANSITION(409, "the session's status does not allow this command"),
    IDEMPOTENCY_CONFLICT(409, "this idempotency key was used before with a different request"),
    SESSION_EXISTS(409, "a session with this id exists already"),
    SESSION_EXPIRED(409, "the session has expired"),
    NOT_DUE(409, "the session is not due to expire yet"),
    UNKNOWN_PROVIDER_STATUS(409, "a provider reported a status Kassa does not know"),
    COMMAND_ID_REUSED(409, "a command id was used before for another command"),
    SECOND_PAYMENT(409, "a second payment was reported for a paid session (kept for review)"),
    AMOUNT_MISMATCH(409, "the reported payment is less than the session's amount (kept for review)"),
    CURRENCY_MISMATCH(409, "the reported payment is in another currency (kept for review)"),
    UNEXPECTED_PROVIDER(409, "the payment was reported by another provider than the attempt's (kept for review)"),
    UNKNOWN_ATTEMPT(409, "the payment names an attempt this session never started (kept for review)"),
    TOO_MANY_ATTEMPTS(409, "the session has had 20 payment attempts"),
    TOO_MANY_REFUNDS(409, "the session has had 50 refunds"),
    REFUND_IN_PROGRESS(409, "a refund of this session is being executed"),
    MONEY_RECEIVED(409, "a review cannot be rejected after the provider reported the money received: refund it instead"),
    UNDECODABLE_COMMAND(400, "a record on the commands topic could not be read (written outside Kassa's schemas); on the results topic only"),
    KEY_MISMATCH(400, "a command's record key is not its session id (written outside Kassa); on the results topic only"),
    // Payments and refunds.
    REFUND_REFUSED(502, "the provider that took the payment refused the refund; nothing was refunded"),
    NO_PROVIDER(409, "no provider can take this payment here"),
    NO_LIVE_PROVIDER(409, "live mode has no payment provider connected to execute this"),
    // The operator's API and the sandbox.
    INVALID_PACKAGE(400, "`package` is not free, pro or unlimited"),
    INVALID_CHECKOUT_MODE(400, "`checkout_mode` is not hosted_checkout or smart_router"),
    INVALID_LATE_PAYMENT_POLICY(400, "`late_payment_policy` is not review or auto_refund"),
    INVALID_SESSION_TTL_SECONDS(400, "`session_ttl_seconds` is not a whole number from 1 to 86,400"),
    INVALID_GRACE_SECONDS(400, "`grace_seconds` is not a whole number from 0 to 604,800"),
    INVALID_PREVIOUS_KEY_EXPIRES_IN_SECONDS(400, "`previous_key_expires_in_seconds` is not a whole number from 0 to 2,592,000 (30 days)"),
    INVALID_RATE_LIMIT_PER_SECOND(400, "`rate_limit_per_second` is not a whole number from 1 to 10,000 (or null for the default)"),
    INVALID_ROUTING_ALLOW(400, "`routing_allow` is not a list of methods or provider slugs"),
    INVALID_ROUTING_BLOCK(400, "`routing_block` is not a list of methods or provider slugs"),
    INVALID_FROM(400, "`from` is not an ISO-8601 instant"),
    INVALID_TO(400, "`to` is not an ISO-8601 instant"),
    INVALID_AT(400, "`at` is not an ISO-8601 instant"),
    INVALID_LIMIT(400, "`limit` is not a whole number from 1 to 100"),
    INVALID_LOOKUP(400, "a session lookup is neither `merchant_id` with `order_id` nor `email` (an address of at most 254 characters)"),
    INVALID_STATUS(400, "`status` names no session status (created, pending, paid, failed, expired, cancelled, review, refunded)"),
    EMAIL_TAKEN(409, "this e-mail already signs in to another merchant's dashboard"),
    INVALID_CURSOR(400, "`starting_after` (or the events feed's `after`) is not a cursor this API answered you (`next_cursor`)"),
    INVALID_EVENT_TYPES(400, "`types` names something that is neither a webhook type nor a family such as refund.*"),
    INVALID_RESOLUTION(400, "a review `resolution` is not approve, reject or refund"),
    INVALID_DECISION(400, "a review `decision` (review.php) is not approve, reject or refund"),
    INVALID_NOTE(400, "a `note` (a review's, a routing change's) is longer than 500 characters or holds what looks like a card number"),
    INVALID_OUTCOME(400, "a sandbox `outcome` is not paid, failed, review or requires_action"),
    INVALID_SWITCH(400, "sandbox `duplicates` outside 0-20 or `delay_ms` outside 0-60,000"),
    // Payout wallet and crypto checkout (seed 003), payment links and products (SPEC.md).
    MISSING_MERCHANT_PAYOUT_WALLET(400, "crypto was asked for (a create's hint, or `crypto_enabled`) but the merchant has no payout wallet, or crypto checkout is off"),
    INVALID_COLLECT_DEFAULTS(400, "`collect_defaults` is not an object of booleans name, phone, billing_address, shipping_address (or null)"),
    INVALID_DISPLAY_NAME(400, "`display_name` is longer than 100 characters, is more than one line, or holds a card number"),
    INVALID_SUPPORT_EMAIL(400, "`support_email` is not an e-mail address of at most 254 characters"),
    INVALID_SUPPORT_URL(400, "`support_url` is not an https URL of at most 2,048 characters"),
    INVALID_MERCHANT_PAYOUT_WALLET(400, "`payout_wallet` is not {network: polygon, asset: USDC or USDT, address: 0x and 40 hex digits}, or a mixed-case address fails its EIP-55 checksum"),
    INVALID_CRYPTO_ENABLED(400, "`crypto_enabled` is not true or false"),
    INVALID_REUSABLE(400, "`reusable` is not true or false"),
    INVALID_MAX_USES(400, "`max_uses` is not a whole number from 1 to 10,000, or is not 1 on a single-use link"),
    INVALID_EXPIRES_AT(400, "`expires_at` is not a future instant (ISO-8601, or `YYYY-MM-DD HH:MM:SS` UTC) within a year"),
    INVALID_LINK_ID(400, "`link_id` is not a payment link of this merchant"),
    PAYMENT_LINK_INACTIVE(410, "the payment link was deactivated by its merchant"),
    PAYMENT_LINK_EXPIRED(410, "the payment link's `expires_at` has passed"),
    PAYMENT_LINK_USED_UP(410, "the payment link has been paid as often as it may be (`max_uses`)"),
    PAYMENT_LINK_IN_USE(409, "every use of the payment link is held by an open checkout; one may free up when it expires"),
    INVALID_SLUG(400, "`slug` is not 3 to 64 lower-case letters, digits and dashes"),
    SLUG_TAKEN(409, "another product has this `slug`"),
    INVALID_NAME(400, "`name` is not text of 1 to 120 characters"),
    INVALID_IMAGE_URL(400, "`image_url` is not an https URL of at most 2,048 characters"),
    INVALID_ACTIVE(400, "`active` is not true or false"),
    // Routing as data (the operator's PUT /admin/routing).
    INVALID_ROUTING_RULES(400, "`rules` is not text such as off=wert; card=revolut,transak naming known providers and methods"),
    INVALID_UNHEALTHY(400, "`unhealthy` is not a list of provider slugs"),
    INVALID_EXPECTED_VERSION(400, "`expected_version` is not a whole number of at least 0"),
    ROUTING_VERSION_CONFLICT(409, "the routing settings changed since `expected_version`: read them again (GET /admin/routing) and decide"),
    INVALID_PROVIDER_ACCOUNT(400, "a provider account's `secret_key`, `webhook_secret`, `methods` or `currencies` is missing or not of that provider (the message names which)"),
    NO_KEYRING(409, "resealing secrets needs a keyring: start the gateway with `--secrets-keyring FILE`"),
    // The server.
    UNAVAILABLE(503, "Kafka did not answer in time; retry (the same Idempotency-Key makes a retry safe)"),
    INTERNAL_ERROR(500, "a fault of Kassa's own; the message carries no detail, the log does");

    private static final Map<String, ErrorCode> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

    private final int httpStatus;
    private final String meaning;

    ErrorCode(int httpStatus, String meaning) {
        this.httpStatus = httpStatus;
        this.meaning = meaning;
    }

    /** The code as answered: {@code invalid_amount}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** For an {@code invalid_<field>} code, the request field it names ({@code session_ttl_seconds}); null for any other. */
    public String field() {
        return name().startsWith("INVALID_") ? code().substring("invalid_".length()) : null;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** One line: when this code is answered. */
    public String meaning() {
        return meaning;
    }

    /**
     * The catalogue's entry for a code that came from elsewhere (a command result, a connector); a code outside the
     * catalogue is a bug and fails here, where a test sees it.
     */
    public static ErrorCode of(String code) {
        ErrorCode found = BY_CODE.get(code);
        if (found == null) {
            throw new IllegalArgumentException("error code '" + code + "' is not in the catalogue (ErrorCode)");
        }
        return found;
    }

    /** The markdown table of docs/ERRORS.md, made from the catalogue. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| Code | HTTP | When |\n|---|---|---|\n");
        for (ErrorCode code : values()) {
            table.append("| `").append(code.code()).append("` | ").append(code.httpStatus).append(" | ").append(code.meaning).append(" |\n");
        }
        return table.toString();
    }
}
