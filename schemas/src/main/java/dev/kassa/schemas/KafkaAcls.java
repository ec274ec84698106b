package dev.kassa.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Least privilege on Kafka: one principal per service, allowed exactly what the service does and nothing else (one
 * writer per fact, on the broker as in the code). The gateway writes commands, merchants, routing decisions and
 * redelivery requests; the aggregate writes events, state and results; the relay writes attempts and its own endpoint
 * facts. Each reads what it consumes. The two Kafka Streams services also own their internal topics (changelogs,
 * prefixed with their application id), their consumer group and their transactional ids. Operators' tools
 * ({@code kassa topics}, {@code replay}, {@code merchant list}) run as the cluster's super user. Written down in
 * docs/SECURITY.md; {@code kassa topics --acls print} prints this table, {@code --acls apply} creates it.
 */
public final class KafkaAcls {

    /** The services' principals (SASL user names) and their Kafka Streams application ids. */
    public record Accounts(String gateway, String aggregate, String relay, String aggregateApplicationId, String relayApplicationId,
                           String gatewayViewsApplicationId) {
        public static final Accounts DEFAULTS = new Accounts("kassa-gateway", "kassa-aggregate", "kassa-relay",
                "kassa-aggregate", "kassa-relay", "kassa-gateway-views");
    }

    private KafkaAcls() {
    }

    /** Every ACL Kassa needs, for these accounts. */
    public static List<AclBinding> bindings(Accounts accounts) {
        List<AclBinding> acls = new ArrayList<>();
        String gateway = accounts.gateway();
        writes(acls, gateway, Topics.SESSION_COMMANDS, Topics.MERCHANTS, Topics.ROUTING_DECISIONS, Topics.WEBHOOK_REDELIVERIES,
                Topics.MERCHANT_USERS, Topics.PAYMENT_LINK_COMMANDS, Topics.PRODUCTS, Topics.ROUTING_SETTINGS,
                Topics.PROVIDER_ACCOUNTS);
        // Replicas (merchants, endpoint facts, state), command results, and a session's history (events, results,
        // attempts, routing decisions). The gateway's consumers are assigned partitions: no consumer group.
        reads(acls, gateway, Topics.MERCHANTS, Topics.WEBHOOK_ENDPOINT_STATUS, Topics.SESSION_STATE, Topics.COMMAND_RESULTS,
                Topics.SESSION_EVENTS, Topics.WEBHOOK_ATTEMPTS, Topics.ROUTING_DECISIONS, Topics.MERCHANT_USERS, Topics.PAYMENT_LINKS,
                Topics.PRODUCTS, Topics.PAYMENT_EVENTS, Topics.ROUTING_SETTINGS, Topics.PROVIDER_ACCOUNTS);
        // The read side (session views) is a Kafka Streams application of the gateway's: its stores' changelogs and
        // the repartition by merchant are its own topics.
        streamsApplication(acls, gateway, accounts.gatewayViewsApplicationId());

        String aggregate = accounts.aggregate();
        // The payment-link fold lives in the aggregate's application: it reads link commands and the session state (its
        // link sessions' changes), and writes link state, the creates it grants, its refusals and the sessions' changes.
        reads(acls, aggregate, Topics.SESSION_COMMANDS, Topics.PAYMENT_LINK_COMMANDS, Topics.SESSION_STATE);
        writes(acls, aggregate, Topics.SESSION_EVENTS, Topics.SESSION_STATE, Topics.COMMAND_RESULTS, Topics.PAYMENT_LINKS,
                Topics.SESSION_COMMANDS, Topics.PAYMENT_LINK_COMMANDS, Topics.PAYMENT_EVENTS);
        streamsApplication(acls, aggregate, accounts.aggregateApplicationId());

        String relay = accounts.relay();
        reads(acls, relay, Topics.SESSION_EVENTS, Topics.MERCHANTS, Topics.WEBHOOK_ENDPOINT_STATUS, Topics.WEBHOOK_ATTEMPTS,
                Topics.WEBHOOK_REDELIVERIES);
        writes(acls, relay, Topics.WEBHOOK_ATTEMPTS, Topics.WEBHOOK_ENDPOINT_STATUS);
        streamsApplication(acls, relay, accounts.relayApplicationId());
        return acls;
    }

    /** A table for people: principal, operation, resource. */
    public static List<String> describe(List<AclBinding> acls) {
        List<String> lines = new ArrayList<>();
        for (AclBinding acl : acls) {
            ResourcePattern r = acl.pattern();
            lines.add(String.format("%-22s %-8s %-16s %-9s %s", acl.entry().principal(), acl.entry().operation(), r.resourceType(),
                    r.patternType(), r.name()));
        }
        return lines;
    }

    private static void writes(List<AclBinding> acls, String user, Topic<?, ?>... topics) {
        for (Topic<?, ?> topic : topics) {
            acls.add(allow(user, ResourceType.TOPIC, PatternType.LITERAL, topic.name(), AclOperation.WRITE));
            acls.add(allow(user, ResourceType.TOPIC, PatternType.LITERAL, topic.name(), AclOperation.DESCRIBE));
        }
    }

    private static void reads(List<AclBinding> acls, String user, Topic<?, ?>... topics) {
        for (Topic<?, ?> topic : topics) {
            acls.add(allow(user, ResourceType.TOPIC, PatternType.LITERAL, topic.name(), AclOperation.READ));
            acls.add(allow(user, ResourceType.TOPIC, PatternType.LITERAL, topic.name(), AclOperation.DESCRIBE));
        }
    }

    /**
     * What Kafka Streams needs for itself under exactly-once: its internal topics (created, read, written, their
     * configs checked, repartition records deleted), its group, and its transactional ids (application id, process id,
     * thread). All prefixed with the application id, so they cover nothing of another service.
     */
    private static void streamsApplication(List<AclBinding> acls, String user, String applicationId) {
        acls.add(allow(user, ResourceType.TOPIC, PatternType.PREFIXED, applicationId + "-", AclOperation.ALL));
        acls.add(allow(user, ResourceType.GROUP, PatternType.LITERAL, applicationId, AclOperation.READ));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, applicationId + "-", AclOperation.WRITE));
        acls.add(allow(user, ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, applicationId + "-", AclOperation.DESCRIBE));
    }

    private static AclBinding allow(String user, ResourceType type, PatternType pattern, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }
}
