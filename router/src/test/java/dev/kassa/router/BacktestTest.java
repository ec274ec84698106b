package dev.kassa.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A backtest of a small history, counted by hand. */
class BacktestTest {

    private static final MerchantPolicy SMART = new MerchantPolicy("pro", "smart_router", Set.of(), Set.of());

    private static Backtest.Recorded recorded(long session, String hint, String currency, String country, String chosen,
                                              boolean fallback, boolean paid) {
        return new Backtest.Recorded(session, hint, 5000, currency, country, SMART, chosen, fallback, paid);
    }

    @Test
    void switching_wert_off_and_preferring_transak_moves_every_card_first_choice_and_nothing_else() {
        List<Backtest.Recorded> history = List.of(
                recorded(1, "card", "EUR", "DE", "wert", false, true),
                recorded(2, "card", "EUR", "DE", "wert", false, true),
                recorded(3, "card", "EUR", "DE", "wert", false, false),
                recorded(4, "card", "EUR", "DE", "moonpay", false, true),
                recorded(5, "paypal", "EUR", "DE", "paypal", false, true),
                recorded(6, "paypal", "JPY", "JP", null, false, false),
                recorded(7, null, "EUR", "DE", null, false, true),
                recorded(8, "card", "EUR", "DE", "moonpay", true, true),
                recorded(9, "ideal", "EUR", "DE", null, false, false));

        Backtest.Report report = Backtest.run(history, OperatorRules.parse("off=wert; card=transak,moonpay"), Set.of(), Router.standard());

        assertThat(report.decisions()).isEqualTo(7);
        assertThat(report.buyerChose()).isEqualTo(1);
        assertThat(report.fallbacks()).isEqualTo(1);
        assertThat(report.changed()).isEqualTo(4);
        assertThat(report.rows()).containsExactly(
                new Backtest.Row("card", "moonpay", 1, 0, 1),
                new Backtest.Row("card", "transak", 0, 4, 0),
                new Backtest.Row("card", "wert", 3, 0, 2),
                new Backtest.Row("ideal", Backtest.NONE, 1, 1, 0),
                new Backtest.Row("paypal", "paypal", 1, 1, 1),
                new Backtest.Row("paypal", Backtest.NONE, 1, 1, 0));
        assertThat(report.rows().get(2).conversion()).isEqualTo(2.0 / 3);
        assertThat(report.rows().get(1).conversion()).as("no history there").isNull();
    }

    @Test
    void the_rules_in_force_replay_to_the_same_choices() {
        List<Backtest.Recorded> history = List.of(recorded(1, "card", "EUR", "DE", "wert", false, true),
                recorded(2, "bank", "GBP", "GB", "moonpay", false, false), recorded(3, "moonpay", "EUR", "FR", "moonpay", false, true));
        Backtest.Report report = Backtest.run(history, OperatorRules.NONE, Set.of(), Router.standard());
        assertThat(report.changed()).isZero();
        assertThat(report.rows()).allSatisfy(row -> assertThat(row.after()).isEqualTo(row.before()));
    }
}
