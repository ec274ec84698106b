package dev.kassa.schemas;

import dev.kassa.schemas.avro.CommandResult;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantUser;
import dev.kassa.schemas.avro.PaymentEvent;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.Product;
import dev.kassa.schemas.avro.ProviderAccount;
import dev.kassa.schemas.avro.RedeliveryRequest;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.RoutingSettings;
import dev.kassa.schemas.avro.SessionCommand;
import dev.kassa.schemas.avro.SessionEvent;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.WebhookAttempt;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/** Every topic Kassa uses, one descriptor each. docs/TOPICS.md describes them for downstream consumers. */
public final class Topics {

    private static final String COMPACT = "compact";
    private static final String DELETE = "delete";

    /** Commands to the aggregate; key session_id. Kept 7 days: long enough to replay an incident, not an archive. */
    public static final Topic<Long, SessionCommand> SESSION_COMMANDS = new Topic<>(
            "kassa.session-commands", Serdes.Long(), new AvroSerde<>(SessionCommand.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(7))),
            "commands to the session aggregate (create, attempt, provider report, cancel, refund, resolve review, expire)");

    /**
     * Every lifecycle transition; key session_id + sequence, partitioned by session_id. Compacted with one key per
     * event: compaction never drops history, a re-sent event collapses onto itself, a tombstone erases one event.
     */
    public static final Topic<SessionEventKey, SessionEvent> SESSION_EVENTS = new Topic<>(
            "kassa.session-events", SessionEventKey.serde(), new AvroSerde<>(SessionEvent.class),
            Map.of("cleanup.policy", COMPACT, "retention.ms", "-1", "min.compaction.lag.ms", ms(Duration.ofHours(1))),
            "the event log: one record per session transition, the source of truth");

    /** The latest state of each session; key session_id, compacted. */
    public static final Topic<Long, SessionState> SESSION_STATE = new Topic<>(
            "kassa.session-state", Serdes.Long(), new AvroSerde<>(SessionState.class),
            Map.of("cleanup.policy", COMPACT),
            "latest state per session, for the gateway's replica and downstream readers");

    /** The aggregate's answer to each command; key session_id. Short-lived: the gateway awaits it within seconds. */
    public static final Topic<Long, CommandResult> COMMAND_RESULTS = new Topic<>(
            "kassa.command-results", Serdes.Long(), new AvroSerde<>(CommandResult.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(1))),
            "outcome of every command: applied, duplicate, rejected (with code) or flagged");

    /** Merchant profiles; key merchant_id, compacted, read by every service as a global table. */
    public static final Topic<Long, Merchant> MERCHANTS = new Topic<>(
            "kassa.merchants", Serdes.Long(), new AvroSerde<>(Merchant.class),
            Map.of("cleanup.policy", COMPACT),
            "merchant profiles (hashed API key, domains, package, webhook URL and secret, routing settings)");

    /** Webhook delivery attempts; key session_id. Kept 30 days, beyond the 3-day retry span, for support. */
    public static final Topic<Long, WebhookAttempt> WEBHOOK_ATTEMPTS = new Topic<>(
            "kassa.webhook-attempts", Serdes.Long(), new AvroSerde<>(WebhookAttempt.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(30))),
            "every webhook attempt with its response code, latency and outcome");

    /** Operators' requests to send a webhook again; key session_id. Kept 7 days. */
    public static final Topic<Long, RedeliveryRequest> WEBHOOK_REDELIVERIES = new Topic<>(
            "kassa.webhook-redeliveries", Serdes.Long(), new AvroSerde<>(RedeliveryRequest.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(7))),
            "operators' redelivery requests: one event again, with its original event_id and body");

    /** Routing decisions; key session_id. Kept 90 days so that a new rule set can be tried on past traffic. */
    public static final Topic<Long, RoutingDecision> ROUTING_DECISIONS = new Topic<>(
            "kassa.routing-decisions", Serdes.Long(), new AvroSerde<>(RoutingDecision.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(90))),
            "every routing decision with its inputs, candidates, choice and reason");

    /**
     * Facts of the webhook relay about merchants' endpoints (disabled after 410 Gone); key merchant_id, compacted. The
     * relay never writes merchant records: only the gateway does, and every reader folds these facts into its view.
     */
    public static final Topic<Long, WebhookEndpointStatus> WEBHOOK_ENDPOINT_STATUS = new Topic<>(
            "kassa.webhook-endpoint-status", Serdes.Long(), new AvroSerde<>(WebhookEndpointStatus.class),
            Map.of("cleanup.policy", COMPACT),
            "the relay's facts about merchants' webhook endpoints (disabled after 410 Gone, with reason and time)");

    /**
     * The people who sign in to merchants' dashboards; key the e-mail (lower case), compacted. Only the gateway writes
     * it; a password is kept only as a bcrypt hash.
     */
    public static final Topic<String, MerchantUser> MERCHANT_USERS = new Topic<>(
            "kassa.merchant-users", Serdes.String(), new AvroSerde<>(MerchantUser.class),
            Map.of("cleanup.policy", COMPACT),
            "dashboard users per merchant (e-mail, bcrypt password hash, one-time set-password token hash)");

    /**
     * Requests to the payment-link fold; key link_id. The gateway defines, (de)activates and opens links; the aggregate's
     * forwarder reports each link session's change. Kept 7 days, like the session commands.
     */
    public static final Topic<String, PaymentLinkCommand> PAYMENT_LINK_COMMANDS = new Topic<>(
            "kassa.payment-link-commands", Serdes.String(), new AvroSerde<>(PaymentLinkCommand.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(7))),
            "commands to the payment-link fold (define, activate, open, a link session changed)");

    /** Payment links' state; key link_id, compacted. Only the payment-link fold (in the aggregate) writes it. */
    public static final Topic<String, PaymentLink> PAYMENT_LINKS = new Topic<>(
            "kassa.payment-links", Serdes.String(), new AvroSerde<>(PaymentLink.class),
            Map.of("cleanup.policy", COMPACT),
            "payment links: amount, description, limits, counts, and the open checkouts holding uses");

    /** Products and their hosted pages; key slug, compacted. Only the gateway writes it. */
    public static final Topic<String, Product> PRODUCTS = new Topic<>(
            "kassa.products", Serdes.String(), new AvroSerde<>(Product.class),
            Map.of("cleanup.policy", COMPACT),
            "merchants' products (name, description, price, active) for the hosted pages /p/{slug}");

    /**
     * The public stream for downstream systems: one record per merchant-visible event (what its webhook says, typed, and
     * the webhook's body); key session_id. Written by the aggregate in the event's own transaction, so a read_committed
     * reader never sees one of an aborted transaction. Kept 30 days by default (the operator's to change).
     */
    public static final Topic<Long, PaymentEvent> PAYMENT_EVENTS = new Topic<>(
            "kassa.payment-events", Serdes.Long(), new AvroSerde<>(PaymentEvent.class),
            Map.of("cleanup.policy", DELETE, "retention.ms", ms(Duration.ofDays(30))),
            "merchant-visible payment events, typed as the webhooks are (the public stream; read with read_committed)");

    /**
     * The operator's routing rules and provider health; key {@code "current"}, compacted. Only the gateway's operator API
     * writes it; every gateway reads it whole and routes with the latest record, whose offset is its version.
     */
    public static final Topic<String, RoutingSettings> ROUTING_SETTINGS = new Topic<>(
            "kassa.routing-settings", Serdes.String(), new AvroSerde<>(RoutingSettings.class),
            Map.of("cleanup.policy", COMPACT),
            "the operator's routing rules and provider health, changed live (PUT /admin/routing); the offset is the version");

    /**
     * The operator's accounts at live providers (keys sealed); key the provider's slug, compacted. Only the gateway's
     * operator API writes it; every gateway reads it whole, so an account added is in use everywhere without a restart.
     */
    public static final Topic<String, ProviderAccount> PROVIDER_ACCOUNTS = new Topic<>(
            "kassa.provider-accounts", Serdes.String(), new AvroSerde<>(ProviderAccount.class),
            Map.of("cleanup.policy", COMPACT),
            "the operator's accounts at live payment providers (Stripe): keys sealed with the keyring, methods, currencies");

    /** The key of the one live routing record. */
    public static final String ROUTING_SETTINGS_KEY = "current";

    private Topics() {
    }

    /** All of them, in the order they are created. */
    public static List<Topic<?, ?>> all() {
        return List.of(SESSION_COMMANDS, SESSION_EVENTS, SESSION_STATE, COMMAND_RESULTS, MERCHANTS, WEBHOOK_ATTEMPTS,
                WEBHOOK_REDELIVERIES, ROUTING_DECISIONS, WEBHOOK_ENDPOINT_STATUS, MERCHANT_USERS, PAYMENT_LINK_COMMANDS, PAYMENT_LINKS,
                PRODUCTS, PAYMENT_EVENTS, ROUTING_SETTINGS, PROVIDER_ACCOUNTS);
    }

    private static String ms(Duration duration) {
        return Long.toString(duration.toMillis());
    }
}
