package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kassa.aggregate.stream.ProviderHealthMeters;
import dev.kassa.log.EventLogReplay;
import dev.kassa.router.ProviderHealth;
import dev.kassa.schemas.Topics;
import dev.kassa.schemas.avro.SessionEvent;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kassa routing set|show|clear}: the live routing rules and provider health, through the operator API. */
final class RoutingSettingsCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RoutingSettingsCommands() {
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Replace the routing rules and provider health on every gateway, without a restart (PUT /admin/routing). "
                    + "Prints the setting now in effect with its version, which every routing decision from now on records.")
    static final class Set implements Callable<Integer> {

        @Option(names = "--rules", paramLabel = "FILE", description = "The rules, as kassa routing backtest reads them (off=wert; "
                + "card=revolut,transak), one per line or separated by ';'; lines starting with # are comments. Absent: no rules.")
        Path rules;

        @Option(names = "--unhealthy", split = ",", description = "Providers that are down now: routing skips them and falls back.")
        List<String> unhealthy = new ArrayList<>();

        @Option(names = "--note", description = "Why, for the next operator.")
        String note;

        @Option(names = "--expected-version", description = "Refuse if the settings are no longer at this version (kassa routing show).")
        Long expectedVersion;

        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("rules", rules == null ? "" : text(rules));
            ArrayNode down = body.putArray("unhealthy");
            unhealthy.forEach(down::add);
            if (note != null) {
                body.put("note", note);
            }
            if (expectedVersion != null) {
                body.put("expected_version", expectedVersion);
            }
            print(spec.commandLine().getOut(), JSON.readTree(operator.send("PUT", "/admin/routing", JSON.writeValueAsString(body))));
            return 0;
        }

        /** The rules file as one line of rules: comments and blank lines dropped, lines joined with ';'. */
        static String text(Path file) throws Exception {
            if (!Files.isReadable(file)) {
                throw new UserError("--rules " + file + " cannot be read.");
            }
            return Arrays.stream(Files.readString(file).split("\\R")).map(String::trim)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.joining("; "));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "The routing rules and provider health in effect (GET /admin/routing); with --bootstrap, each provider's "
                    + "health from the log too: attempts that ended in the last --minutes, their success rate and latency.")
    static final class Show implements Callable<Integer> {

        @Option(names = "--bootstrap", description = "The cluster's bootstrap servers: read provider health from kassa.session-events.")
        String bootstrap;

        @Option(names = "--minutes", defaultValue = "15", description = "The health window, in minutes (default: ${DEFAULT-VALUE}).")
        int minutes;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Mixin
        KafkaClientOptions kafka;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (minutes < 1 || minutes > 7 * 24 * 60) {
                throw new UserError("--minutes must be from 1 to 10080 (a week).");
            }
            ObjectNode setting = (ObjectNode) JSON.readTree(operator.send("GET", "/admin/routing", ""));
            List<ProviderHealth.Figure> figures = bootstrap == null ? null : health(Duration.ofMinutes(minutes));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                if (figures != null) {
                    ArrayNode rows = setting.putArray("provider_health");
                    for (ProviderHealth.Figure f : figures) {
                        ObjectNode row = rows.addObject().put("provider", f.provider()).put("succeeded", f.succeeded()).put("failed", f.failed());
                        putOrNull(row, "success_rate", f.successRate() == null ? null : Math.round(f.successRate() * 1000) / 1000.0);
                        putOrNull(row, "latency_p50_ms", f.latencyP50Millis());
                        putOrNull(row, "latency_p95_ms", f.latencyP95Millis());
                    }
                    setting.put("health_minutes", minutes);
                }
                out.println(JSON.writeValueAsString(setting));
                out.flush();
                return 0;
            }
            print(out, setting);
            if (figures == null) {
                out.println("Provider health: pass --bootstrap to read it from the log (kassa_provider_* on /metrics has the last 15 minutes).");
            } else {
                out.printf("Provider health, attempts that ended in the last %d minutes:%n", minutes);
                out.printf("  %-12s  %9s  %6s  %8s  %9s  %9s%n", "provider", "succeeded", "failed", "success", "p50", "p95");
                for (ProviderHealth.Figure f : figures) {
                    out.printf("  %-12s  %9d  %6d  %8s  %9s  %9s%n", f.provider(), f.succeeded(), f.failed(),
                            f.successRate() == null ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * f.successRate()),
                            millis(f.latencyP50Millis()), millis(f.latencyP95Millis()));
                }
                if (figures.isEmpty()) {
                    out.println("  (no attempt ended in that window)");
                }
            }
            out.flush();
            return 0;
        }

        private List<ProviderHealth.Figure> health(Duration window) {
            Instant now = Instant.now();
            ProviderHealth health = new ProviderHealth(window);
            // Attempts that started up to one window earlier still get their latency.
            EventLogReplay.readSince(kafka.access(bootstrap), Topics.SESSION_EVENTS.name(), now.minus(window.multipliedBy(2)),
                    Topics.SESSION_EVENTS.keySerde().deserializer(), Topics.SESSION_EVENTS.valueSerde().deserializer(),
                    (key, event) -> {
                        if (event != null) {
                            ProviderHealthMeters.feed(health, event);
                        }
                    });
            return health.figures(now);
        }

        private static String millis(Long ms) {
            return ms == null ? "-" : ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }

        private static void putOrNull(ObjectNode node, String field, Number value) {
            if (value == null) {
                node.putNull(field);
            } else if (value instanceof Double d) {
                node.put(field, d);
            } else {
                node.put(field, value.longValue());
            }
        }
    }

    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = "Forget the operator's routing settings (DELETE /admin/routing): each gateway's start-up flags rule again.")
    static final class Clear implements Callable<Integer> {

        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            print(spec.commandLine().getOut(), JSON.readTree(operator.send("DELETE", "/admin/routing", "")));
            return 0;
        }
    }

    static void print(PrintWriter out, JsonNode setting) {
        long version = setting.get("version").asLong();
        out.printf("Routing settings version %d (%s), decisions record %s%n", version,
                version == 0 ? "the gateway's start-up flags; no operator setting" : "set by " + setting.get("changed_by").asText() + " at "
                        + setting.get("changed_at").asText(), setting.get("rules_version").asText());
        String rules = setting.get("rules").asText();
        out.printf("  rules:     %s%n", rules.isEmpty() ? "(none: catalogue order)" : rules);
        List<String> down = new ArrayList<>();
        setting.get("unhealthy").forEach(s -> down.add(s.asText()));
        out.printf("  unhealthy: %s%n", down.isEmpty() ? "(none)" : String.join(", ", down));
        if (setting.hasNonNull("note")) {
            out.printf("  note:      %s%n", setting.get("note").asText());
        }
        out.flush();
    }
}
