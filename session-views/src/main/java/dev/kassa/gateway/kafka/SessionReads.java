package dev.kassa.gateway.kafka;

import dev.kassa.gateway.views.SessionViews;
import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.avro.SessionState;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * Reads of sessions for the routes: from the session views (Kafka Streams stores, owned per partition), waiting only
 * for what this gateway itself appended a moment ago ({@link CommandBus}), so a guessed id never costs a wait.
 */
@Singleton
public final class SessionReads implements SessionLookup {

    private final SessionViews views;
    private final CommandBus commands;

    SessionReads(SessionViews views, CommandBus commands) {
        this.views = views;
        this.commands = commands;
    }

    /** The newest session of a merchant's order (latest created_at), if the views have one. */
    public SessionState sessionByOrder(long merchantId, String orderId) throws InterruptedException {
        Long newest = views.orderSession(merchantId, orderId);
        return newest == null ? null : views.session(newest);
    }

    /**
     * The same, read-your-writes: when this gateway just answered a create of this order (the fast create) whose state
     * has not reached the replica yet, that session is waited for (at most {@code timeout}): it is the newest.
     */
    public SessionState sessionByOrder(long merchantId, String orderId, Duration timeout) throws InterruptedException {
        Long appended = commands.appendedOrder(merchantId, orderId);
        SessionState known = sessionByOrder(merchantId, orderId);
        if (appended == null || (known != null && known.getSessionId() == appended)) {
            return known;
        }
        SessionState waited = knownSession(appended, timeout);
        return waited != null ? waited : known;
    }

    /**
     * Sessions that have a refund reserved and not yet confirmed or refused, among those this instance's views own:
     * each gateway instance executes the refunds of its own partitions.
     */
    public Set<Long> sessionsWithReservedRefunds() {
        return views.ownedReservedRefunds();
    }

    /** The session as the views have it now, without waiting for a sequence. */
    public SessionState sessionNow(long id) throws InterruptedException {
        return views.session(id);
    }

    /**
     * The session with this id, for a read by id that may be a guess (a status read, the hosted page): answered at once
     * from its view, so a random id costs no waiting; only a session created here a moment ago (answered once
     * appended, its state not folded yet) is waited for (at most {@code timeout}).
     */
    public SessionState knownSession(long id, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, 0, commands.createdHere(id) ? timeout : Duration.ZERO);
    }

    /** The session once its view has reached {@code sequence} (or whatever it has after {@code timeout}). */
    @Override
    public SessionState session(long id, long sequence, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, sequence, timeout);
    }

    /** Everything recorded about one session (events, answers, webhook attempts, routing decisions), from its view. */
    public SessionHistory.SessionLog timeline(long id) throws InterruptedException {
        return views.timeline(id);
    }

    /** The same, once it has caught up with {@code state} (waiting at most {@code timeout}); no state: as it is. */
    public SessionHistory.SessionLog timeline(long id, SessionState state, Duration timeout) throws InterruptedException {
        return state == null ? views.timeline(id) : views.awaitTimeline(id, state.getSequence(), timeout);
    }
}
