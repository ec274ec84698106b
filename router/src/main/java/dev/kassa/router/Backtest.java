package dev.kassa.router;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a set of routing rules would have done to past traffic: each recorded decision's inputs are routed again by the
 * same {@link Router} under the proposed rules, and the choices are counted per method and provider beside what was
 * chosen then, with each provider's conversion in that history (its sessions that were paid). Pure: the caller reads
 * the decisions, the merchants' policies and the outcomes from the log.
 *
 * <p>A recorded fallback (the next candidate after a provider error) is not a first choice and is left out: the
 * rules decide first choices, a fallback follows from the provider that failed.
 */
public final class Backtest {

    private Backtest() {
    }

    /** One recorded decision: its inputs as recorded, the merchant's policy, what was chosen, and whether the session was paid. */
    public record Recorded(long sessionId, String hint, long amountMinor, String currency, String buyerCountry, MerchantPolicy merchant,
                           String chosen, boolean fallback, boolean paid) {
    }

    /**
     * One method and provider: sessions routed there then ({@code before}) and under the proposed rules ({@code after}),
     * and of {@code before} those that were paid. Provider {@code "(none)"} counts decisions that found no provider.
     */
    public record Row(String method, String provider, int before, int after, int paidBefore) {
        /** Paid of routed there then, or null when none were. */
        public Double conversion() {
            return before == 0 ? null : (double) paidBefore / before;
        }
    }

    /**
     * The whole comparison.
     *
     * @param decisions   first-choice decisions compared (those with a method: a routing hint the router could act on)
     * @param buyerChose  decisions without a method (no hint, hosted checkout, a free package): the buyer chose on the page
     * @param fallbacks   recorded fallbacks, left out
     * @param changed     decisions whose provider would differ
     */
    public record Report(int decisions, int buyerChose, int fallbacks, int changed, List<Row> rows) {
    }

    public static final String NONE = "(none)";

    public static Report run(List<Recorded> history, OperatorRules proposed, Set<String> unhealthy, Router router) {
        Map<String, Map<String, int[]>> counts = new TreeMap<>();
        int decisions = 0;
        int buyerChose = 0;
        int fallbacks = 0;
        int changed = 0;
        for (Recorded r : history) {
            if (r.fallback()) {
                fallbacks++;
                continue;
            }
            RouteDecision again = router.route(new RouteRequest(r.hint(), r.amountMinor(), r.currency(), r.buyerCountry(), r.merchant(),
                    proposed, unhealthy));
            if (again.method() == null) {
                buyerChose++;
                continue;
            }
            decisions++;
            String method = again.method().slug();
            String before = r.chosen() == null ? NONE : r.chosen();
            String after = again.chosen() == null ? NONE : again.chosen();
            int[] was = counts.computeIfAbsent(method, m -> new TreeMap<>()).computeIfAbsent(before, p -> new int[3]);
            was[0]++;
            if (r.paid()) {
                was[2]++;
            }
            counts.get(method).computeIfAbsent(after, p -> new int[3])[1]++;
            if (!before.equals(after)) {
                changed++;
            }
        }
        List<Row> rows = new ArrayList<>();
        counts.forEach((method, providers) -> providers.forEach((provider, c) -> rows.add(new Row(method, provider, c[0], c[1], c[2]))));
        rows.sort(Comparator.comparing(Row::method).thenComparing(row -> row.provider().equals(NONE) ? "~" : row.provider()));
        return new Report(decisions, buyerChose, fallbacks, changed, List.copyOf(rows));
    }
}
