package dev.kassa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kassa providers add|list|remove}: the operator's accounts at live providers, through the operator API. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        subcommands = {ProvidersCommand.Add.class, ProvidersCommand.ListAccounts.class, ProvidersCommand.Remove.class},
        description = "Accounts at live payment providers (Stripe): every gateway outside development mode uses them at once.")
final class ProvidersCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add or replace the account at PROVIDER (stripe). The keys are read from files (never from the command "
                    + "line, which ps shows), sent to the operator API and sealed with the keyring before they reach a topic.")
    static final class Add implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROVIDER", description = "The live provider: stripe.")
        String provider;

        @Option(names = "--secret-key-file", required = true, paramLabel = "FILE", description = "Its secret API key (sk_… or rk_…), first line.")
        Path secretKeyFile;

        @Option(names = "--webhook-secret-file", required = true, paramLabel = "FILE",
                description = "The signing secret (whsec_…) of its webhook endpoint to /api/providers/stripe/webhook.")
        Path webhookSecretFile;

        @Option(names = "--methods", split = ",", description = "The methods routed to it (default: card).")
        List<String> methods = new ArrayList<>();

        @Option(names = "--currencies", split = ",", description = "The currencies routed to it (default: every one the connector takes).")
        List<String> currencies = new ArrayList<>();

        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("secret_key", firstLine(secretKeyFile, "--secret-key-file"))
                    .put("webhook_secret", firstLine(webhookSecretFile, "--webhook-secret-file"));
            methods.forEach(body.putArray("methods")::add);
            currencies.forEach(body.putArray("currencies")::add);
            print(spec.commandLine().getOut(), JSON.readTree(operator.send("PUT", "/admin/providers/" + provider, JSON.writeValueAsString(body))));
            return 0;
        }

        private static String firstLine(Path file, String option) throws Exception {
            if (!Files.isReadable(file)) {
                throw new UserError(option + " " + file + " cannot be read.");
            }
            String text = Files.readString(file).strip();
            return text.isEmpty() ? "" : text.lines().findFirst().orElse("").strip();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The accounts at live providers (never their keys).")
    static final class ListAccounts implements Callable<Integer> {
        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            JsonNode accounts = JSON.readTree(operator.send("GET", "/admin/providers", "")).get("accounts");
            if (accounts.isEmpty()) {
                out.println("No account at a live provider: outside development mode, no payment can be taken.");
            }
            accounts.forEach(a -> print(out, a));
            out.flush();
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove the account at PROVIDER: no payment goes to it from now on.")
    static final class Remove implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PROVIDER")
        String provider;

        @Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode answer = JSON.readTree(operator.send("DELETE", "/admin/providers/" + provider, ""));
            PrintWriter out = spec.commandLine().getOut();
            out.println(answer.get("removed").asBoolean() ? "Removed the account at " + answer.get("provider").asText() + "."
                    : "There was no account at " + answer.get("provider").asText() + ".");
            out.flush();
            return 0;
        }
    }

    static void print(PrintWriter out, JsonNode account) {
        List<String> currencies = new ArrayList<>();
        account.get("currencies").forEach(c -> currencies.add(c.asText()));
        List<String> methods = new ArrayList<>();
        account.get("methods").forEach(m -> methods.add(m.asText()));
        out.printf("%s: %s, %s; keys %s; changed by %s at %s%n", account.get("provider").asText(), String.join(", ", methods),
                currencies.isEmpty() ? "every currency it takes" : String.join(", ", currencies),
                account.get("sealed").asBoolean() ? "sealed with the keyring" : "IN CLEAR (no keyring)", account.get("changed_by").asText(),
                account.get("changed_at").asText());
        out.flush();
    }
}
