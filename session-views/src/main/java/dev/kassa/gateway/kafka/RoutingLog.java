package dev.kassa.gateway.kafka;

import dev.kassa.schemas.avro.RoutingDecision;

/** Where routing decisions are recorded ({@link CommandBus}: on kassa.routing-decisions, beside the session's events). */
public interface RoutingLog {

    /** Records the decision without waiting (a decision that could not be recorded is logged, never retried). */
    void record(RoutingDecision decision);
}
