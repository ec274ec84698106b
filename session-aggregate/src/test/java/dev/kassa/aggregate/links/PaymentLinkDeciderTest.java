package dev.kassa.aggregate.links;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.DefineLink;
import dev.kassa.schemas.avro.LinkSessionChanged;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionStatus;
import dev.kassa.schemas.avro.SetLinkActive;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeTry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The payment-link fold: which opens are granted, which refused and why, and that max_uses holds over any interleaving. */
class PaymentLinkDeciderTest {

    /** The sessions counted paid so far: the processor keeps them in a store of their own. */
    final Set<Long> counted = new HashSet<>();
    /** The sessions the decisions so far named lapsed (the processor cancels them). */
    final List<Long> lapsedSeen = new ArrayList<>();

    @BeforeTry
    void clearCounted() {
        counted.clear();
        lapsedSeen.clear();
    }

    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    static final long TTL = 900;
    static final long GRACE = 1800;

    @Test
    void a_link_is_defined_once_and_a_repeat_changes_nothing() {
        PaymentLink link = define(false, null, null);
        assertThat(link.getActive()).isTrue();
        assertThat(link.getUses()).isEmpty();
        assertThat(decide(link, defineCommand(true, 5, null), T0).next()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            # case,                                         reusable, max, expires(min), active, held open, held paid, at(min), expect
            single-use fresh,                               false,    ,    ,             true,   0,         0,         0,       granted
            single-use held by an open checkout,            false,    ,    ,             true,   1,         0,         1,       payment_link_in_use
            single-use paid,                                false,    ,    ,             true,   0,         1,         1,       payment_link_used_up
            reusable without limit after 50 paid,           true,     ,    ,             true,   0,         50,        1,       granted
            max 3 with 2 paid,                              true,     3,   ,             true,   0,         2,         1,       granted
            max 3 with 2 paid and 1 open,                   true,     3,   ,             true,   1,         2,         1,       payment_link_in_use
            max 3 with 3 paid,                              true,     3,   ,             true,   0,         3,         1,       payment_link_used_up
            expired link,                                   true,     ,    10,           true,   0,         0,         10,      payment_link_expired
            a minute before it expires,                     true,     ,    10,           true,   0,         0,         9,       granted
            inactive link,                                  true,     ,    ,             false,  0,         0,         1,       payment_link_inactive
            single-use checkout within its reservation,     false,    ,    ,             true,   1,         0,         9,       payment_link_in_use
            single-use checkout not started in 10 minutes,  false,    ,    ,             true,   1,         0,         11,      granted
            single-use checkout abandoned past its grace,   false,    ,    ,             true,   1,         0,         47,      granted
            """, nullValues = "")
    void opens(String name, boolean reusable, Integer max, Integer expiresMin, boolean active, int heldOpen, int heldPaid, int atMin,
               String expect) {
        PaymentLink link = define(reusable, max, expiresMin == null ? null : T0.plus(Duration.ofMinutes(expiresMin)));
        // Uses from before: opened at T0; open ones stay created (never attempted), paid ones paid.
        long session = 1;
        for (int i = 0; i < heldOpen + heldPaid; i++, session++) {
            link = apply(link, open(session, T0), T0);
            if (i >= heldOpen) {
                link = apply(link, changed(session, SessionStatus.PAID, true), T0);
            }
        }
        if (!active) {
            link = apply(link, command(new SetLinkActive(false), T0), T0);
        }
        Instant at = T0.plus(Duration.ofMinutes(atMin));
        PaymentLinkDecider.Decision d = decide(link, open(999, at), at);
        if ("granted".equals(expect)) {
            assertThat(d.granted()).as(name).isTrue();
            assertThat(d.refusal()).isNull();
        } else {
            assertThat(d.granted()).as(name).isFalse();
            assertThat(d.refusal().code().code()).as(name).isEqualTo(expect);
        }
    }

    @Test
    void an_open_that_starts_no_payment_holds_its_use_for_the_reservation_only_and_its_checkout_is_named_once_to_cancel() {
        PaymentLink link = apply(define(true, 2, null), open(1, T0), T0);
        link = apply(link, open(2, T0), T0);
        link = apply(link, changed(2, SessionStatus.PENDING, true), T0.plusSeconds(60)); // the buyer of 2 starts paying
        assertThat(link.getUses().get(0).getReservedUntil()).isEqualTo(T0.plus(PaymentLinkDecider.RESERVATION));
        assertThat(decide(link, open(3, T0.plusSeconds(540)), T0.plusSeconds(540)).refusal().code().code()).isEqualTo("payment_link_in_use");

        Instant after = T0.plus(PaymentLinkDecider.RESERVATION).plusSeconds(1);
        PaymentLinkDecider.Decision d = decide(link, open(3, after), after);
        assertThat(d.granted()).as("1's reservation lapsed: its use is free").isTrue();
        assertThat(d.lapsed()).containsExactly(1L);
        assertThat(d.next().getUses()).extracting(u -> u.getSessionId()).containsExactlyInAnyOrder(2L, 3L);
        // Named once: the next decision has nothing more to cancel, and 2 (attempted) stays held.
        PaymentLinkDecider.Decision again = decide(d.next(), open(4, after), after);
        assertThat(again.lapsed()).isEmpty();
        assertThat(again.refusal().code().code()).isEqualTo("payment_link_in_use");
        // The news that 1's buyer started paying after all, before anyone was given its use: it keeps it.
        PaymentLinkDecider.Decision late = decide(link, command(changed(1, SessionStatus.PENDING, true), after), after);
        assertThat(late.lapsed()).isEmpty();
        assertThat(late.next().getUses()).hasSize(2);
        // A refusal still releases and names what lapsed (the record changes with it).
        PaymentLinkDecider.Decision refused = decide(link, command(new SetLinkActive(false), after), after);
        assertThat(refused.lapsed()).containsExactly(1L);
        assertThat(refused.next().getUses()).hasSize(1);
    }

    @Test
    void a_second_buyer_of_a_single_use_link_is_sent_to_its_open_checkout() {
        PaymentLink link = apply(define(false, null, null), open(7, T0), T0);
        PaymentLinkDecider.Decision d = decide(link, open(8, T0.plusSeconds(60)), T0.plusSeconds(60));
        assertThat(d.refusal().heldSession()).isEqualTo(7L);
    }

    @ParameterizedTest(name = "{0} {1} attempted={2} at +{3} min: released={4}")
    @CsvSource(textBlock = """
            CANCELLED, false, 1,  true
            REFUNDED,  true,  1,  true
            EXPIRED,   false, 16, true
            EXPIRED,   true,  16, false
            EXPIRED,   true,  47, true
            FAILED,    true,  14, false
            FAILED,    true,  47, true
            PENDING,   true,  20, false
            REVIEW,    true,  600, false
            CREATED,   false, 47, true
            """)
    void when_a_held_use_is_released(SessionStatus status, boolean attempted, int atMin, boolean released) {
        PaymentLink link = apply(define(false, null, null), open(5, T0), T0);
        link = apply(link, changed(5, status, attempted), T0.plusSeconds(30));
        // Released at once (gone from the uses) or by the time asked about.
        boolean free = link.getUses().isEmpty() || PaymentLinkDecider.released(link.getUses().get(0), T0.plus(Duration.ofMinutes(atMin)));
        assertThat(free).isEqualTo(released);
    }

    @Test
    void a_paid_use_stays_spent_after_a_refund_and_a_duplicate_report_counts_once() {
        PaymentLink link = apply(define(false, null, null), open(5, T0), T0);
        link = apply(link, changed(5, SessionStatus.PAID, true), T0);
        assertThat(decide(link, command(changed(5, SessionStatus.PAID, true), T0), T0).next()).isNull();
        assertThat(decide(link, command(changed(5, SessionStatus.REFUNDED, true), T0), T0).next()).isNull();
        assertThat(link.getPaidCount()).isEqualTo(1);
        assertThat(decide(link, open(6, T0), T0).refusal().code().code()).isEqualTo("payment_link_used_up");
    }

    /**
     * A popular link: 100,000 paid uses, each session paid and then partly refunded (its later state says PAID again).
     * Its record stays under 2 KB (it once listed every paid use and passed Kafka's 1 MB limit near 50,000), every
     * payment is counted exactly once, and a limited link with as many uses refuses the next open as used up.
     */
    @ParameterizedTest(name = "max_uses {0}")
    @CsvSource(value = {"-1", "100000"})
    void a_hundred_thousand_paid_uses_keep_the_record_small_and_each_counted_once(int maxUses) {
        PaymentLink link = define(true, maxUses < 0 ? null : maxUses, null);
        int largest = 0;
        for (long session = 1; session <= 100_000; session++) {
            link = apply(link, open(session, T0), T0);
            link = apply(link, changed(session, SessionStatus.PENDING, true), T0);
            link = apply(link, changed(session, SessionStatus.PAID, true), T0);
            link = apply(link, changed(session, SessionStatus.PAID, true), T0); // a partial refund's state
            if (session % 10_000 == 0) {
                largest = Math.max(largest, bytes(link));
            }
        }
        assertThat(link.getPaidCount()).isEqualTo(100_000);
        assertThat(link.getSessionsOpened()).isEqualTo(100_000);
        assertThat(largest).as("the record's size in bytes").isLessThan(2048);
        if (maxUses > 0) {
            assertThat(decide(link, open(100_001, T0), T0).refusal().code().code()).isEqualTo("payment_link_used_up");
        } else {
            assertThat(decide(link, open(100_001, T0), T0).granted()).isTrue();
        }
    }

    @Test
    void open_holds_are_capped_whatever_max_uses_says() {
        PaymentLink link = define(true, 5_000, null);
        for (long session = 1; session <= PaymentLinkDecider.MAX_OPEN_HOLDS; session++) {
            link = apply(link, open(session, T0), T0);
        }
        assertThat(link.getUses()).hasSize(PaymentLinkDecider.MAX_OPEN_HOLDS);
        assertThat(decide(link, open(5_000, T0), T0).refusal().code().code()).isEqualTo("payment_link_in_use");
        assertThat(bytes(link)).as("the record's size at the cap").isLessThan(64 * 1024);
    }

    @Test
    void a_record_that_listed_paid_uses_moves_them_to_the_counted_set_and_counts_none_twice() {
        PaymentLink old = PaymentLink.newBuilder(define(true, 3, null)).setPaidCount(2).setUses(List.of(
                dev.kassa.schemas.avro.LinkUse.newBuilder().setSessionId(1).setPaid(true).setSessionStatus(SessionStatus.PAID)
                        .setAttempted(true).setExpiresAt(T0.plusSeconds(TTL)).setGraceSeconds(GRACE).build(),
                dev.kassa.schemas.avro.LinkUse.newBuilder().setSessionId(2).setPaid(true).setSessionStatus(SessionStatus.PAID)
                        .setAttempted(true).setExpiresAt(T0.plusSeconds(TTL)).setGraceSeconds(GRACE).build(),
                dev.kassa.schemas.avro.LinkUse.newBuilder().setSessionId(3).setPaid(false).setSessionStatus(SessionStatus.PENDING)
                        .setAttempted(true).setExpiresAt(T0.plusSeconds(TTL)).setGraceSeconds(GRACE).build())).build();
        PaymentLinkDecider.Migrated migrated = PaymentLinkDecider.migrate(old);
        assertThat(migrated.paidSessions()).containsExactly(1L, 2L);
        assertThat(migrated.link().getUses()).extracting(dev.kassa.schemas.avro.LinkUse::getSessionId).containsExactly(3L);
        assertThat(PaymentLinkDecider.migrate(migrated.link())).isNull();
        counted.addAll(migrated.paidSessions());
        PaymentLink link = apply(migrated.link(), changed(1, SessionStatus.PAID, true), T0); // a refund of an old payment
        assertThat(link.getPaidCount()).isEqualTo(2);
        link = apply(link, changed(3, SessionStatus.PAID, true), T0);
        assertThat(link.getPaidCount()).isEqualTo(3);
        assertThat(decide(link, open(4, T0), T0).refusal().code().code()).isEqualTo("payment_link_used_up");
    }

    private static int bytes(PaymentLink link) {
        return dev.kassa.schemas.Topics.PAYMENT_LINKS.valueSerde().serializer().serialize(dev.kassa.schemas.Topics.PAYMENT_LINKS.name(), link).length;
    }

    @Test
    void the_same_open_again_is_granted_once() {
        PaymentLink link = apply(define(true, 2, null), open(5, T0), T0);
        PaymentLinkDecider.Decision again = decide(link, open(5, T0), T0);
        assertThat(again.granted()).isFalse();
        assertThat(again.refusal()).isNull();
        assertThat(link.getUses()).hasSize(1);
    }

    @Test
    void another_merchants_commands_change_nothing() {
        PaymentLink link = define(true, null, null);
        PaymentLinkCommand foreign = PaymentLinkCommand.newBuilder(open(5, T0)).setMerchantId(99).build();
        assertThat(decide(link, foreign, T0).refusal().code().code()).isEqualTo("not_found");
    }

    /**
     * Any interleaving of buyers opening a link, paying (only where the lifecycle lets a session be paid), cancelling,
     * starting attempts and expiring, with time moving on: never more paid sessions than max_uses.
     */
    @Property(tries = 2000)
    void never_more_paid_sessions_than_max_uses(@ForAll @IntRange(min = 1, max = 4) int maxUses,
                                                @ForAll("steps") List<Integer> steps) {
        PaymentLink link = define(maxUses > 1, maxUses > 1 ? maxUses : null, null);
        Map<Long, Sim> sessions = new HashMap<>();
        Instant now = T0;
        long next = 1;
        int paid = 0;
        for (int step : steps) {
            int kind = step % 6;
            List<Long> ids = new ArrayList<>(sessions.keySet());
            ids.sort(null);
            // One of the two newest sessions: the races worth finding are between a checkout and the next one.
            Sim target = ids.isEmpty() ? null : sessions.get(ids.get(ids.size() - 1 - (step / 6) % Math.min(2, ids.size())));
            switch (kind) {
                case 0 -> { // a buyer opens the link
                    long id = next++;
                    PaymentLinkDecider.Decision d = decide(link, open(id, now), now);
                    if (d.next() != null) {
                        link = d.next();
                    }
                    if (d.granted()) {
                        sessions.put(id, new Sim(id, now.plusSeconds(TTL)));
                    }
                }
                case 1 -> now = now.plus(Duration.ofMinutes(1 + step % 12)); // time passes
                case 2 -> { // an attempt starts (only before expiry)
                    if (target != null && target.status == SessionStatus.CREATED && now.isBefore(target.expiresAt)) {
                        target.status = SessionStatus.PENDING;
                        target.attempted = true;
                        link = report(link, target, now);
                    }
                }
                case 3 -> { // the provider reports paid: paid before expiry, or within grace after an attempt; else review
                    if (target != null && target.attempted && target.status != SessionStatus.PAID && target.status != SessionStatus.REVIEW
                            && target.status != SessionStatus.CANCELLED) {
                        boolean inTime = now.isBefore(target.expiresAt.plusSeconds(GRACE));
                        target.status = inTime ? SessionStatus.PAID : SessionStatus.REVIEW;
                        paid += inTime ? 1 : 0;
                        link = report(link, target, now);
                    }
                }
                case 4 -> { // the merchant cancels an open checkout
                    if (target != null && (target.status == SessionStatus.CREATED || target.status == SessionStatus.PENDING)
                            && now.isBefore(target.expiresAt)) {
                        target.status = SessionStatus.CANCELLED;
                        link = report(link, target, now);
                    }
                }
                default -> { // the aggregate expires what is due
                    for (Sim s : sessions.values()) {
                        if (!now.isBefore(s.expiresAt) && (s.status == SessionStatus.CREATED || s.status == SessionStatus.PENDING)) {
                            s.status = SessionStatus.EXPIRED;
                            link = report(link, s, now);
                        }
                    }
                }
            }
            // The processor cancels every checkout whose reservation lapsed; the aggregate applies it as any cancel (from
            // created, pending or failed: a payment that comes after it goes to review, never paid by itself).
            for (long lapsed : List.copyOf(lapsedSeen)) {
                Sim s = sessions.get(lapsed);
                if (s != null && (s.status == SessionStatus.CREATED || s.status == SessionStatus.PENDING || s.status == SessionStatus.FAILED)) {
                    s.status = SessionStatus.CANCELLED;
                    link = report(link, s, now);
                }
            }
            lapsedSeen.clear();
            assertThat(paid).as("paid sessions with max_uses " + maxUses).isLessThanOrEqualTo(maxUses);
        }
        assertThat(link.getPaidCount()).isEqualTo(paid);
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(5).ofMaxSize(120);
    }

    private static final class Sim {
        final long id;
        final Instant expiresAt;
        SessionStatus status = SessionStatus.CREATED;
        boolean attempted;

        Sim(long id, Instant expiresAt) {
            this.id = id;
            this.expiresAt = expiresAt;
        }
    }

    private PaymentLink report(PaymentLink link, Sim s, Instant now) {
        return apply(link, command(new LinkSessionChanged(s.id, s.status, s.attempted, s.expiresAt, GRACE), now), now);
    }

    static PaymentLink define(boolean reusable, Integer max, Instant expiresAt) {
        return PaymentLinkDecider.decide(null, PaymentLinkCommand.newBuilder(defineCommand(reusable, max, expiresAt)).build(), T0, id -> false).next();
    }

    static PaymentLinkCommand defineCommand(boolean reusable, Integer max, Instant expiresAt) {
        return command(DefineLink.newBuilder().setCode("code").setAmountMinor(2500).setCurrency("EUR").setDescription("Invoice 7")
                .setReusable(reusable).setMaxUses(max).setExpiresAt(expiresAt).build(), T0);
    }

    static PaymentLinkCommand open(long session, Instant at) {
        return command(new OpenLink(session, ByteBuffer.allocate(0), at.plusSeconds(TTL), GRACE), at);
    }

    static LinkSessionChanged changed(long session, SessionStatus status, boolean attempted) {
        return new LinkSessionChanged(session, status, attempted, T0.plusSeconds(TTL), GRACE);
    }

    static PaymentLinkCommand command(Object payload, Instant at) {
        return PaymentLinkCommand.newBuilder().setCommandId("c-" + System.nanoTime()).setLinkId("pl_test").setMerchantId(42)
                .setIssuedAt(at).setPayload(payload).build();
    }

    PaymentLink apply(PaymentLink link, Object commandOrPayload, Instant at) {
        PaymentLinkCommand command = commandOrPayload instanceof PaymentLinkCommand c ? c : command(commandOrPayload, at);
        PaymentLinkDecider.Decision d = decide(link, command, at);
        if (d.countedPaid() != null) {
            assertThat(counted.add(d.countedPaid())).as("session %d counted paid once", d.countedPaid()).isTrue();
        }
        return d.next() == null ? link : d.next();
    }

    /** The decider with this test's set of sessions counted paid (what the processor's store holds). */
    PaymentLinkDecider.Decision decide(PaymentLink link, PaymentLinkCommand command, Instant at) {
        PaymentLinkDecider.Decision d = PaymentLinkDecider.decide(link, command, at, counted::contains);
        lapsedSeen.addAll(d.lapsed());
        return d;
    }
}
