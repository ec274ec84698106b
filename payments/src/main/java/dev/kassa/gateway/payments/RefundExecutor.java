package dev.kassa.gateway.payments;

import dev.kassa.gateway.kafka.SessionReads;
import dev.kassa.observability.LogContext;
import dev.kassa.schemas.avro.RefundEntry;
import dev.kassa.schemas.avro.RefundPhase;
import dev.kassa.schemas.avro.SessionState;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes refunds that the aggregate reserved and nobody settled: the gateway that reserved one died before the
 * provider answered (and the merchant never retried), or the merchant's auto-refund policy reserved one for a payment
 * after the grace window, with no request behind it. Every two seconds it looks at the sessions with an open
 * reservation that has not moved for {@code kassa.gateway.refund-executor-delay} (default 30 s, so a request still
 * finishing its own refund is left alone) and has the connector execute each one, with its own refund id: a
 * provider's idempotency key makes a second execution the same refund. Several gateways may do it at once; the
 * aggregate takes one settlement and answers the others as duplicates. Without a connector it does nothing: the
 * reservation stays open and visible until one exists.
 */
@Context
public final class RefundExecutor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RefundExecutor.class);

    private final SessionReads sessionReads;
    private final Refunds refunds;
    private final Duration delay;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService timer;

    public RefundExecutor(SessionReads sessionReads, Refunds refunds, Optional<PaymentConnector> connector,
                   @Value("${kassa.gateway.refund-executor-delay:30s}") Duration delay) {
        this.sessionReads = sessionReads;
        this.refunds = refunds;
        this.delay = delay;
        if (connector.isEmpty()) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kassa-refund-executor");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::finishStaleReservations, 2, 2, TimeUnit.SECONDS);
    }

    /** One pass over the sessions this instance's views own: cost proportional to those with an open reservation. */
    public void finishStaleReservations() {
        Instant now = clock.instant();
        for (long sessionId : sessionReads.sessionsWithReservedRefunds()) {
            SessionState state;
            try {
                state = sessionReads.sessionNow(sessionId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("session {} not readable now ({}); the next pass tries again", sessionId, e.getMessage());
                continue;
            }
            if (state == null || state.getUpdatedAt().plus(delay).isAfter(now)) {
                continue;
            }
            List<RefundEntry> open = state.getRefunds().stream().filter(r -> r.getPhase() == RefundPhase.RESERVED).toList();
            for (RefundEntry refund : open) {
                try {
                    Refunds.Result result = refunds.finish(sessionId, refund.getRefundId(), state.getSequence(), "refund-executor");
                    LogContext.run(() -> LOG.info("refund {} of session {} finished by the executor: {}",
                                    refund.getRefundId(), sessionId, result.refund().getPhase()),
                            "session_id", Long.toString(sessionId), "merchant_id", Long.toString(state.getMerchantId()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) {
                    // The next pass tries again: a reservation is never forgotten, only late.
                    LOG.warn("refund {} of session {} not finished yet: {}", refund.getRefundId(), sessionId, e.getMessage());
                }
            }
        }
    }

    @PreDestroy
    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
