package dev.kassa.gateway.kafka;

import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.avro.SessionState;
import java.time.Duration;
import java.util.Set;

/**
 * Reads of sessions for the routes, typed: what the merchant API, the hosted page, the dashboard, the operator API and
 * the refund executor ask of the session views (Kafka Streams stores, owned per partition and forwarded to their
 * owner), without knowing where a key lives or how an answer travels. Waits are only for what this gateway itself
 * appended a moment ago ({@link CommandBus}), so a guessed id never costs a wait. Implemented by
 * {@code ViewSessionReads}; a test fakes it or its narrow part {@link SessionLookup}.
 */
public interface SessionReads extends SessionLookup {

    /** The newest session of a merchant's order (latest created_at), if the views have one. */
    SessionState sessionByOrder(long merchantId, String orderId) throws InterruptedException;

    /**
     * The same, read-your-writes: when this gateway just answered a create of this order (the fast create) whose state
     * has not reached the replica yet, that session is waited for (at most {@code timeout}): it is the newest.
     */
    SessionState sessionByOrder(long merchantId, String orderId, Duration timeout) throws InterruptedException;

    /**
     * Sessions that have a refund reserved and not yet confirmed or refused, among those this instance's views own:
     * each gateway instance executes the refunds of its own partitions.
     */
    Set<Long> sessionsWithReservedRefunds();

    /** The session as the views have it now, without waiting for a sequence. */
    SessionState sessionNow(long id) throws InterruptedException;

    /**
     * The session with this id, for a read by id that may be a guess (a status read, the hosted page): answered at once
     * from its view, so a random id costs no waiting; only a session created here a moment ago (answered once
     * appended, its state not folded yet) is waited for (at most {@code timeout}).
     */
    SessionState knownSession(long id, Duration timeout) throws InterruptedException;

    /** Everything recorded about one session (events, answers, webhook attempts, routing decisions), from its view. */
    SessionHistory.SessionLog timeline(long id) throws InterruptedException;

    /** The same, once it has caught up with {@code state} (waiting at most {@code timeout}); no state: as it is. */
    SessionHistory.SessionLog timeline(long id, SessionState state, Duration timeout) throws InterruptedException;
}
