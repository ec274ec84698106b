package dev.kassa.bench;

import dev.kassa.aggregate.links.PaymentLinkDecider;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.DefineLink;
import dev.kassa.schemas.avro.LinkSessionChanged;
import dev.kassa.schemas.avro.OpenLink;
import dev.kassa.schemas.avro.PaymentLink;
import dev.kassa.schemas.avro.PaymentLinkCommand;
import dev.kassa.schemas.avro.SessionStatus;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kassa bench links}: one popular reusable link with a {@code max_uses} far away, through the payment-link fold
 * as the aggregate runs it — each command decided against the stored record and the record written back through its
 * Avro serde, as the store does — for {@code --uses} paid uses, {@code --open} checkouts open at any time. Prints the
 * fold's commands/s over the first and the last tenth of the run (their ratio is the goal: 1, throughput unchanged by
 * the link's history) and the record's size at the end (the goal: under 2 KB whatever the traffic). Before
 * 2026-12-06 paid uses were listed in the record, which grew by ~30 bytes a payment: the last tenth of 100,000 uses
 * rewrote a record of ~3 MB per command.
 */
@Command(name = "links", mixinStandardHelpOptions = true,
        description = "A popular payment link through the link fold: commands/s at the start and at the end of --uses paid uses, and the record's size.")
public final class LinkBenchCommand implements Callable<Integer> {

    @Option(names = "--uses", defaultValue = "100000", description = "Paid uses of the one link (default: ${DEFAULT-VALUE}).")
    int uses;

    @Option(names = "--open", defaultValue = "50", description = "Checkouts open at once (default: ${DEFAULT-VALUE}).")
    int open;

    @Override
    public Integer call() {
        run(Math.max(10, uses / 5), false); // warm-up: the JIT compiles the fold before anything is measured
        run(uses, true);
        return 0;
    }

    private void run(int uses, boolean print) {
        Instant t = Instant.parse("2026-12-06T12:00:00Z");
        var serde = Topics.PAYMENT_LINKS.valueSerde();
        Set<Long> counted = new HashSet<>();
        byte[] stored = serde.serializer().serialize("bench", PaymentLinkDecider.decide(null, command(t, DefineLink.newBuilder().setCode("bench")
                .setAmountMinor(1000).setCurrency("EUR").setDescription("Popular").setReusable(true).setMaxUses(Integer.MAX_VALUE)
                .setExpiresAt(null).build()), t, counted::contains).next());
        Deque<Long> openSessions = new ArrayDeque<>();
        long nextSession = 1;
        int tenth = Math.max(1, uses / 10);
        long firstNanos = 0;
        long firstCommands = 0;
        long lastNanos = 0;
        long lastCommands = 0;
        int paid = 0;
        while (paid < uses) {
            boolean first = paid < tenth;
            boolean last = paid >= uses - tenth;
            long started = System.nanoTime();
            // A buyer opens (while fewer than --open checkouts are open), or the oldest open checkout is paid.
            PaymentLinkCommand command;
            if (openSessions.size() < open) {
                long session = nextSession++;
                openSessions.add(session);
                command = command(t, new OpenLink(session, ByteBuffer.allocate(0), t.plus(Duration.ofMinutes(15)), 1800L));
            } else {
                long session = openSessions.poll();
                command = command(t, new LinkSessionChanged(session, SessionStatus.PAID, true, t.plus(Duration.ofMinutes(15)), 1800L));
                paid++;
            }
            PaymentLink link = serde.deserializer().deserialize("bench", stored);
            PaymentLinkDecider.Decision decision = PaymentLinkDecider.decide(link, command, t, counted::contains);
            if (decision.countedPaid() != null) {
                counted.add(decision.countedPaid());
            }
            if (decision.next() != null) {
                stored = serde.serializer().serialize("bench", decision.next());
            }
            long took = System.nanoTime() - started;
            if (first) {
                firstNanos += took;
                firstCommands++;
            } else if (last) {
                lastNanos += took;
                lastCommands++;
            }
            t = t.plusMillis(10);
        }
        if (!print) {
            return;
        }
        double firstRate = firstCommands / (firstNanos / 1e9);
        double lastRate = lastCommands / (lastNanos / 1e9);
        PaymentLink end = serde.deserializer().deserialize("bench", stored);
        System.out.printf(Locale.ROOT, "links: %,d paid uses of one link, %d open at a time%n", paid, open);
        System.out.printf(Locale.ROOT, "  first tenth: %,.0f commands/s; last tenth: %,.0f commands/s; last/first: %.2f (goal: 1)%n",
                firstRate, lastRate, lastRate / firstRate);
        System.out.printf(Locale.ROOT, "  record at the end: %,d bytes, paid_count %,d, %d open holds (goal: under 2 KB)%n",
                stored.length, end.getPaidCount(), end.getUses().size());
        System.out.println("  machine: " + Machine.current());
    }

    private static PaymentLinkCommand command(Instant at, Object payload) {
        return PaymentLinkCommand.newBuilder().setCommandId("bench").setLinkId("pl_bench").setMerchantId(1).setIssuedAt(at).setPayload(payload).build();
    }
}
