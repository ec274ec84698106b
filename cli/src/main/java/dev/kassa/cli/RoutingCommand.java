package dev.kassa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.gateway.payments.Routing;
import dev.kassa.log.EventLogReplay;
import dev.kassa.router.Backtest;
import dev.kassa.router.MerchantPolicy;
import dev.kassa.router.OperatorRules;
import dev.kassa.router.Router;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.RoutingDecision;
import dev.kassa.schemas.avro.RoutingInputs;
import dev.kassa.schemas.avro.SessionState;
import dev.kassa.schemas.avro.SessionStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kassa routing set|show|clear} (the live rules, {@link RoutingSettingsCommands}) and {@code kassa routing
 * backtest}: what proposed routing rules would have done to the recorded traffic.
 */
@Command(name = "routing", mixinStandardHelpOptions = true, subcommands = {RoutingSettingsCommands.Set.class,
        RoutingSettingsCommands.Show.class, RoutingSettingsCommands.Clear.class, RoutingCommand.BacktestCommand.class},
        description = "The operator's routing rules: 'set', 'show' and 'clear' change them live on every gateway; 'backtest' replays "
                + "recorded routing decisions against proposed rules.")
final class RoutingCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "backtest", mixinStandardHelpOptions = true,
            description = "Route every recorded first-choice decision of kassa.routing-decisions again, with the same router, under "
                    + "the rules in FILE, and print per method and provider the sessions routed there then and now, those that "
                    + "would find no provider, and each provider's conversion in that history (its routed sessions that were "
                    + "paid). The merchants' allow/block lists are today's (kassa.merchants).")
    static final class BacktestCommand implements Callable<Integer> {

        @Option(names = "--bootstrap", required = true, description = "The cluster's bootstrap servers.")
        String bootstrap;

        @Option(names = "--rules", required = true, paramLabel = "FILE",
                description = "The proposed rules, as --routing-rules writes them (off=wert; card=revolut,transak), one per line "
                        + "or separated by ';'; lines starting with # are comments.")
        Path rules;

        @Option(names = "--from", description = "Only decisions at or after this instant (ISO-8601).")
        String from;

        @Option(names = "--to", description = "Only decisions before this instant (ISO-8601).")
        String to;

        @Option(names = "--merchant", description = "Only this merchant's decisions.")
        Long merchant;

        @Option(names = "--unhealthy", split = ",", description = "Providers to treat as down under the proposed rules.")
        List<String> unhealthy = new ArrayList<>();

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Mixin
        KafkaClientOptions kafka;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            OperatorRules proposed = rules(rules);
            Instant since = from == null ? Instant.EPOCH : RedeliverCommand.instant(from, "--from");
            Instant until = to == null ? Instant.MAX : RedeliverCommand.instant(to, "--to");
            KafkaAccess access = kafka.access(bootstrap);
            List<RoutingDecision> decisions = new ArrayList<>();
            // From --from on, only that window of the topic is read (by timestamp), not the whole of it.
            EventLogReplay.readSince(access, Topics.ROUTING_DECISIONS.name(), since, Topics.ROUTING_DECISIONS.keySerde().deserializer(),
                    Topics.ROUTING_DECISIONS.valueSerde().deserializer(), (key, d) -> {
                        if (d != null && !d.getDecidedAt().isBefore(since) && d.getDecidedAt().isBefore(until)
                                && (merchant == null || d.getMerchantId() == merchant)) {
                            decisions.add(d);
                        }
                    });
            Map<Long, Merchant> merchants = new HashMap<>();
            EventLogReplay.readToEnd(access, Topics.MERCHANTS.name(), Topics.MERCHANTS.keySerde().deserializer(),
                    Topics.MERCHANTS.valueSerde().deserializer(), (id, m) -> {
                        if (m == null) {
                            merchants.remove(id);
                        } else {
                            merchants.put(id, m);
                        }
                    });
            // The outcome of each session decided in the window, and of no other: the state topic is read once, kept in part.
            Set<Long> decided = decisions.stream().map(RoutingDecision::getSessionId).collect(Collectors.toSet());
            Map<Long, SessionState> states = new HashMap<>();
            EventLogReplay.readToEnd(access, Topics.SESSION_STATE.name(), Topics.SESSION_STATE.keySerde().deserializer(),
                    Topics.SESSION_STATE.valueSerde().deserializer(), (id, state) -> {
                        if (decided.contains(id)) {
                            states.put(id, state);
                        }
                    });
            List<Backtest.Recorded> history = decisions.stream().map(d -> recorded(d, merchants.get(d.getMerchantId()),
                    states.get(d.getSessionId()))).toList();
            Set<String> down = unhealthy.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                    .collect(Collectors.toSet());
            Backtest.Report report = Backtest.run(history, proposed, down, Router.standard());
            print(spec.commandLine().getOut(), report, proposed);
            return 0;
        }

        /** One recorded decision as the backtest reads it; a session paid through the provider chosen counts as converted. */
        static Backtest.Recorded recorded(RoutingDecision d, Merchant merchant, SessionState state) {
            RoutingInputs in = d.getInputs();
            MerchantPolicy today = merchant == null ? new MerchantPolicy("pro", "smart_router", Set.of(), Set.of("crypto"))
                    : Routing.policy(merchant);
            // The package and mode as the decision saw them (the hosted page routes the buyer's choice as a smart route).
            MerchantPolicy policy = new MerchantPolicy(in.getPackage$().name().toLowerCase(Locale.ROOT),
                    in.getCheckoutMode().name().toLowerCase(Locale.ROOT), today.allow(), today.block());
            boolean paid = state != null && d.getChosen() != null && d.getChosen().equals(state.getProvider())
                    && (state.getStatus() == SessionStatus.PAID || state.getStatus() == SessionStatus.REFUNDED);
            return new Backtest.Recorded(d.getSessionId(), in.getMethodHint() != null ? in.getMethodHint() : in.getProviderHint(),
                    in.getAmountMinor(), in.getCurrency(), in.getBuyerCountry(), policy, d.getChosen(),
                    d.getReason().startsWith("fallback"), paid);
        }

        static OperatorRules rules(Path file) throws Exception {
            String text = RoutingSettingsCommands.Set.text(file);
            try {
                return OperatorRules.parse(text);
            } catch (IllegalArgumentException e) {
                throw new UserError("--rules " + file + ": " + e.getMessage() + ".");
            }
        }

        private void print(PrintWriter out, Backtest.Report report, OperatorRules proposed) throws IOException {
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode().put("rules_version", proposed.version()).put("decisions", report.decisions())
                        .put("buyer_chose", report.buyerChose()).put("fallbacks", report.fallbacks()).put("changed", report.changed());
                ArrayNode rows = root.putArray("rows");
                for (Backtest.Row row : report.rows()) {
                    ObjectNode r = rows.addObject().put("method", row.method()).put("provider", row.provider()).put("before", row.before())
                            .put("after", row.after()).put("paid_before", row.paidBefore());
                    if (row.conversion() == null) {
                        r.putNull("conversion");
                    } else {
                        r.put("conversion", Math.round(row.conversion() * 1000) / 1000.0);
                    }
                }
                out.println(mapper.writeValueAsString(root));
                return;
            }
            out.printf("Backtest of rules %s: %d first-choice decisions (%d changed), %d where the buyer chose on the page, "
                    + "%d fallbacks left out%n", proposed.version(), report.decisions(), report.changed(), report.buyerChose(), report.fallbacks());
            out.printf("  %-8s  %-12s  %8s  %8s  %8s  %s%n", "method", "provider", "before", "after", "change", "conversion then");
            for (Backtest.Row row : report.rows()) {
                out.printf("  %-8s  %-12s  %8d  %8d  %+8d  %s%n", row.method(), row.provider(), row.before(), row.after(),
                        row.after() - row.before(), row.conversion() == null ? "-"
                                : String.format(Locale.ROOT, "%.1f %% (%d of %d)", 100 * row.conversion(), row.paidBefore(), row.before()));
            }
            out.flush();
        }
    }
}
