package dev.kassa.aggregate.links;

import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.avro.DefineLink;
import dev.kassa.schemas.avro.LinkSessionChanged;
import dev.kassa.schemas.avro.LinkUse;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.SetLinkActive;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/**
 * The payment-link fold, pure: a link's state and one command in, the next state and what to do out. It is what makes
 * {@code max_uses} hold under concurrent buyers: every open of a limited link passes through here, one at a time per
 * link (the link's partition), and is granted only while fewer than {@code max_uses} sessions hold a use.
 *
 * <p>An open holds a use for a short reservation ({@link #RESERVATION}, at most until the checkout expires): once the
 * buyer starts a payment attempt the use is held until the checkout can no longer be paid; a reservation that lapses
 * with no attempt is released and its checkout cancelled ({@link Decision#lapsed()}: the processor sends the cancel), so
 * anonymous opens cannot keep a limited link's uses for the checkout's whole lifetime, and a released checkout can never
 * be paid past {@code max_uses} (a cancel that meets an attempt started at that very moment sends its payment to
 * review: a person decides, and a paid session is counted, never dropped).
 *
 * <p>A session holds a use from its create until it can no longer become paid by itself: it is paid (the use is spent),
 * cancelled, refunded out of review, expired without ever starting a payment attempt (nothing can pay it: SPEC's money
 * integrity needs an attempt), or past its grace window plus a margin for the clocks (a payment then goes to review, a
 * person's decision). A paid session keeps its use even when refunded later. A session the fold released that gets
 * paid anyway (a person approved its review) is counted, never dropped: the counts say what happened.
 *
 * <p>The record stays small whatever the link's traffic: paid uses are counted ({@code paid_count}), never listed; only
 * open holds are, and at most {@link #MAX_OPEN_HOLDS} of them. Which sessions were already counted paid (a paid
 * session's later states, its refunds, say PAID again) is the caller's set ({@code counted}, a store of its own, one
 * small entry per paid session), so counting stays exactly once without the record growing with every payment.
 * Before 2026-12-06 paid uses were listed; {@link #migrate} moves such a record's paid entries into that set.
 */
public final class PaymentLinkDecider {

    /** At most this many checkouts hold uses of one link at once; more buyers wait (payment_link_in_use). */
    static final int MAX_OPEN_HOLDS = 1_000;

    /** How long an open holds a use before the buyer starts a payment attempt. */
    public static final Duration RESERVATION = Duration.ofMinutes(10);

    /** Slack for the aggregate's clock against this one: a release waits this long after the grace window ends. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);

    /** Why an open was refused: the error code and, for a single-use link held by an open checkout, that checkout. */
    public record Refusal(ErrorCode code, String message, Long heldSession) {
    }

    /**
     * The outcome of one command: the next state (null: unchanged), for an open either a grant or a refusal, and the
     * session now counted paid (null: none), for the caller's {@code counted} set.
     */
    public record Decision(PaymentLink next, boolean granted, Refusal refusal, Long countedPaid, List<Long> lapsed) {
        Decision(PaymentLink next, boolean granted, Refusal refusal) {
            this(next, granted, refusal, null, List.of());
        }

        Decision(PaymentLink next, boolean granted, Refusal refusal, Long countedPaid) {
            this(next, granted, refusal, countedPaid, List.of());
        }

        static Decision unchanged() {
            return new Decision(null, false, null);
        }
    }

    /** A record from before 2026-12-06 with its paid uses taken out, and those sessions, to be added to the counted set. */
    public record Migrated(PaymentLink link, List<Long> paidSessions) {
    }

    /** Takes listed paid uses (the old shape) out of {@code link}; null when it has none. */
    public static Migrated migrate(PaymentLink link) {
        if (link == null || link.getUses().stream().noneMatch(LinkUse::getPaid)) {
            return null;
        }
        List<Long> paid = new ArrayList<>();
        List<LinkUse> open = new ArrayList<>();
        for (LinkUse use : link.getUses()) {
            if (use.getPaid()) {
                paid.add(use.getSessionId());
            } else {
                open.add(use);
            }
        }
        return new Migrated(PaymentLink.newBuilder(link).setUses(open).build(), paid);
    }

    private PaymentLinkDecider() {
    }

    /**
     * One command, after the uses whose reservation lapsed are released: those leave the record in this decision (its
     * {@code next} is never null while there are any) and are named in {@link Decision#lapsed()}, once.
     */
    public static Decision decide(PaymentLink link, PaymentLinkCommand command, Instant now, LongPredicate counted) {
        List<Long> lapsed = lapsed(link, now);
        if (command.getPayload() instanceof LinkSessionChanged changed && changed.getAttempted()) {
            // The news that this checkout's buyer started paying: nobody was given its use meanwhile, so it keeps it.
            lapsed.remove(Long.valueOf(changed.getSessionId()));
        }
        if (lapsed.isEmpty()) {
            return decideHeld(link, command, now, counted);
        }
        List<LinkUse> kept = new ArrayList<>(link.getUses());
        kept.removeIf(u -> lapsed.contains(u.getSessionId()));
        PaymentLink released = PaymentLink.newBuilder(link).setUses(kept).setUpdatedAt(now).build();
        Decision d = decideHeld(released, command, now, counted);
        return new Decision(d.next() != null ? d.next() : released, d.granted(), d.refusal(), d.countedPaid(), lapsed);
    }

    /** The sessions of {@code link} whose reservation lapsed at {@code now} with no payment attempt. */
    static List<Long> lapsed(PaymentLink link, Instant now) {
        if (link == null) {
            return List.of();
        }
        List<Long> lapsed = new ArrayList<>();
        for (LinkUse use : link.getUses()) {
            if (reservationLapsed(use, now)) {
                lapsed.add(use.getSessionId());
            }
        }
        return lapsed;
    }

    private static boolean reservationLapsed(LinkUse use, Instant now) {
        return !use.getPaid() && !use.getAttempted() && use.getSessionStatus() == SessionStatus.CREATED
                && use.getReservedUntil() != null && now.isAfter(use.getReservedUntil());
    }

    private static Decision decideHeld(PaymentLink link, PaymentLinkCommand command, Instant now, LongPredicate counted) {
        Object payload = command.getPayload();
        if (payload instanceof DefineLink define) {
            if (link != null) {
                return Decision.unchanged(); // a link is defined once; a repeat of the define changes nothing
            }
            return new Decision(PaymentLink.newBuilder().setLinkId(command.getLinkId()).setMerchantId(command.getMerchantId())
                    .setCode(define.getCode()).setAmountMinor(define.getAmountMinor()).setCurrency(define.getCurrency())
                    .setDescription(define.getDescription()).setReusable(define.getReusable()).setMaxUses(define.getMaxUses())
                    .setExpiresAt(define.getExpiresAt()).setActive(true).setSessionsOpened(0).setPaidCount(0).setUses(List.of())
                    .setCreatedAt(command.getIssuedAt()).setUpdatedAt(command.getIssuedAt()).build(), false, null);
        }
        if (link == null || link.getMerchantId() != command.getMerchantId()) {
            return payload instanceof OpenLink
                    ? new Decision(null, false, new Refusal(ErrorCode.NOT_FOUND, "no such payment link", null))
                    : Decision.unchanged();
        }
        if (payload instanceof SetLinkActive active) {
            return active.getActive() == link.getActive() ? Decision.unchanged()
                    : new Decision(PaymentLink.newBuilder(link).setActive(active.getActive()).setUpdatedAt(command.getIssuedAt()).build(), false, null);
        }
        if (payload instanceof OpenLink open) {
            return open(link, open, now);
        }
        if (payload instanceof LinkSessionChanged changed) {
            return evolve(link, changed, now, counted);
        }
        return Decision.unchanged();
    }

    private static Decision open(PaymentLink link, OpenLink open, Instant now) {
        if (!link.getActive()) {
            return refused(ErrorCode.PAYMENT_LINK_INACTIVE, "this payment link was turned off by the merchant", null);
        }
        if (link.getExpiresAt() != null && !now.isBefore(link.getExpiresAt())) {
            return refused(ErrorCode.PAYMENT_LINK_EXPIRED, "this payment link expired at " + link.getExpiresAt(), null);
        }
        Integer max = maxUses(link);
        List<LinkUse> uses = held(link.getUses(), now);
        if (max != null) {
            if (uses.stream().anyMatch(u -> u.getSessionId() == open.getSessionId())) {
                return Decision.unchanged(); // the same open again (a retried command): already granted
            }
            long paid = link.getPaidCount();
            if (paid >= max) {
                return refused(ErrorCode.PAYMENT_LINK_USED_UP, "this payment link has been paid" + (max == 1 ? "" : " " + max + " times"), null);
            }
            if (paid + uses.size() >= max || uses.size() >= MAX_OPEN_HOLDS) {
                // A single-use link's one open checkout is where every buyer of it should pay: send them there.
                Optional<LinkUse> open1 = uses.stream().filter(u -> openCheckout(u, now)).findFirst();
                return refused(ErrorCode.PAYMENT_LINK_IN_USE, "every use of this payment link is held by an open checkout; try again later",
                        max == 1 ? open1.map(LinkUse::getSessionId).orElse(null) : null);
            }
            uses = new ArrayList<>(uses);
            Instant reserved = now.plus(RESERVATION).isBefore(open.getExpiresAt()) ? now.plus(RESERVATION) : open.getExpiresAt();
            uses.add(LinkUse.newBuilder().setSessionId(open.getSessionId()).setPaid(false).setSessionStatus(SessionStatus.CREATED)
                    .setAttempted(false).setExpiresAt(open.getExpiresAt()).setGraceSeconds(open.getGraceSeconds())
                    .setReservedUntil(reserved).build());
        }
        return new Decision(PaymentLink.newBuilder(link).setUses(uses).setSessionsOpened(link.getSessionsOpened() + 1)
                .setUpdatedAt(now).build(), true, null);
    }

    /**
     * A link session changed: a held use is spent (paid: counted, and no longer listed), kept, or released; a paid
     * session the fold released (or never held: a link without a limit) still counts, once.
     */
    static Decision evolve(PaymentLink link, LinkSessionChanged changed, Instant now, LongPredicate counted) {
        List<LinkUse> uses = new ArrayList<>(link.getUses());
        int at = -1;
        for (int i = 0; i < uses.size(); i++) {
            if (uses.get(i).getSessionId() == changed.getSessionId()) {
                at = i;
            }
        }
        if (changed.getStatus() == SessionStatus.PAID) {
            if (counted.test(changed.getSessionId())) {
                return Decision.unchanged(); // a paid session's later state (a partial refund): counted already
            }
            if (at >= 0) {
                uses.remove(at);
            }
            PaymentLink next = PaymentLink.newBuilder(link).setUses(held(uses, now)).setPaidCount(link.getPaidCount() + 1)
                    .setUpdatedAt(now).build();
            return new Decision(next, false, null, changed.getSessionId());
        }
        if (at < 0 || counted.test(changed.getSessionId())) {
            return Decision.unchanged(); // a released, never held or already spent session: nothing to keep
        }
        uses.set(at, use(uses.get(at), changed, false));
        return new Decision(PaymentLink.newBuilder(link).setUses(held(uses, now)).setUpdatedAt(now).build(), false, null);
    }

    private static LinkUse use(LinkUse held, LinkSessionChanged changed, boolean paid) {
        return LinkUse.newBuilder().setSessionId(changed.getSessionId()).setPaid(paid).setSessionStatus(changed.getStatus())
                .setAttempted(changed.getAttempted()).setExpiresAt(changed.getExpiresAt()).setGraceSeconds(changed.getGraceSeconds())
                .setReservedUntil(held.getReservedUntil()).build();
    }

    /** The uses still held at {@code now}: paid ones, and open ones that could still become paid by themselves. */
    static List<LinkUse> held(List<LinkUse> uses, Instant now) {
        List<LinkUse> kept = new ArrayList<>(uses.size());
        for (LinkUse use : uses) {
            if (use.getPaid() || !released(use, now)) {
                kept.add(use);
            }
        }
        return kept;
    }

    static boolean released(LinkUse use, Instant now) {
        return switch (use.getSessionStatus()) {
            case CANCELLED, REFUNDED -> true;
            case REVIEW, PAID -> false; // money may have moved: a person decides, the use stays held
            case EXPIRED -> !use.getAttempted() || pastGrace(use, now);
            default -> pastGrace(use, now);
        };
    }

    private static boolean pastGrace(LinkUse use, Instant now) {
        return now.isAfter(use.getExpiresAt().plusSeconds(use.getGraceSeconds()).plus(CLOCK_MARGIN));
    }

    /** A held checkout a buyer can still pay in. */
    private static boolean openCheckout(LinkUse use, Instant now) {
        return now.isBefore(use.getExpiresAt()) && switch (use.getSessionStatus()) {
            case CREATED, PENDING, FAILED -> true;
            default -> false;
        };
    }

    /** How many sessions may hold a use: 1 for a single-use link, max_uses, or null (no limit) for a plain reusable one. */
    public static Integer maxUses(PaymentLink link) {
        return link.getReusable() ? link.getMaxUses() : Integer.valueOf(1);
    }

    private static Decision refused(ErrorCode code, String message, Long held) {
        return new Decision(null, false, new Refusal(code, message, held));
    }
}
