package dev.kassa.gateway.kafka;

import dev.kassa.gateway.views.SessionViews;
import dev.kassa.log.SessionHistory;
import dev.kassa.schemas.avro.SessionState;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Set;

/**
 * {@link SessionReads} from the session views (Kafka Streams stores, owned per partition), waiting only
 * for what this gateway itself appended a moment ago ({@link CommandBus}), so a guessed id never costs a wait.
 */
@Singleton
final class ViewSessionReads implements SessionReads {

    private final SessionViews views;
    private final CommandBus commands;

    ViewSessionReads(SessionViews views, CommandBus commands) {
        this.views = views;
        this.commands = commands;
    }

    @Override
    public SessionState sessionByOrder(long merchantId, String orderId) throws InterruptedException {
        Long newest = views.orderSession(merchantId, orderId);
        return newest == null ? null : views.session(newest);
    }

    @Override
    public SessionState sessionByOrder(long merchantId, String orderId, Duration timeout) throws InterruptedException {
        Long appended = commands.appendedOrder(merchantId, orderId);
        SessionState known = sessionByOrder(merchantId, orderId);
        if (appended == null || (known != null && known.getSessionId() == appended)) {
            return known;
        }
        SessionState waited = knownSession(appended, timeout);
        return waited != null ? waited : known;
    }

    @Override
    public Set<Long> sessionsWithReservedRefunds() {
        return views.ownedReservedRefunds();
    }

    @Override
    public SessionState sessionNow(long id) throws InterruptedException {
        return views.session(id);
    }

    @Override
    public SessionState knownSession(long id, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, 0, commands.createdHere(id) ? timeout : Duration.ZERO);
    }

    @Override
    public SessionState session(long id, long sequence, Duration timeout) throws InterruptedException {
        return views.awaitSession(id, sequence, timeout);
    }

    @Override
    public SessionHistory.SessionLog timeline(long id) throws InterruptedException {
        return views.timeline(id);
    }

    @Override
    public SessionHistory.SessionLog timeline(long id, SessionState state, Duration timeout) throws InterruptedException {
        return state == null ? views.timeline(id) : views.awaitTimeline(id, state.getSequence(), timeout);
    }
}
