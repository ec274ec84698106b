package dev.kassa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kassa merchant endpoints list|add|update|delete|test|attempts}: a merchant's webhook endpoints through the
 * operator API (SPEC.md, "Webhook endpoints"), as {@code kassa merchant create} does for the merchant.
 */
@Command(name = "endpoints", mixinStandardHelpOptions = true, description = "A merchant's webhook endpoints (1 to 10).",
        subcommands = {EndpointsCommand.ListEndpoints.class, EndpointsCommand.Add.class, EndpointsCommand.Update.class,
                EndpointsCommand.Remove.class, EndpointsCommand.Test.class, EndpointsCommand.Attempts.class})
final class EndpointsCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: list, add, update, delete, test or attempts");
    }

    /** Options every endpoint command takes: where the operator API is, and the merchant. */
    static class Target {
        @picocli.CommandLine.Mixin
        MerchantCommand.Operator operator = new MerchantCommand.Operator();

        @Parameters(index = "0", description = "The merchant id.")
        long merchantId;

        String path() {
            return "/admin/merchants/" + merchantId + "/webhook-endpoints";
        }
    }

    /** The settings add and update share. */
    static class Settings {
        @Option(names = "--events", split = ",", description = "Statuses to send, e.g. paid,refunded (or *).")
        List<String> events;

        @Option(names = "--description")
        String description;

        @Option(names = "--max-per-second", description = "Throttle: deliveries a second (0 removes it).")
        Integer maxPerSecond;

        void into(ObjectNode body) {
            if (events != null) {
                body.putArray("event_filter").addAll(events.stream().map(String::trim).map(JSON.getNodeFactory()::textNode).toList());
            }
            if (description != null) {
                body.put("description", description);
            }
            if (maxPerSecond != null) {
                if (maxPerSecond == 0) {
                    body.putNull("max_per_second");
                } else {
                    body.put("max_per_second", maxPerSecond);
                }
            }
        }
    }

    private static int print(CommandSpec spec, String answer) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(answer);
        out.flush();
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the endpoints (never their secrets).")
    static final class ListEndpoints implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return print(spec, target.operator.send("GET", target.path(), ""));
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add an endpoint; prints its secret once.")
    static final class Add implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Option(names = "--url", required = true)
        String url;
        @picocli.CommandLine.Mixin
        Settings settings = new Settings();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode().put("url", url);
            settings.into(body);
            return print(spec, target.operator.send("POST", target.path(), body.toString()));
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change an endpoint: URL, events, throttle, enabled, secret.")
    static final class Update implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The endpoint id (we_...).")
        String endpointId;
        @Option(names = "--url")
        String url;
        @picocli.CommandLine.Mixin
        Settings settings = new Settings();
        @Option(names = "--enabled", arity = "1", description = "true or false; enabling resumes its held webhooks in order.")
        Boolean enabled;
        @Option(names = "--rotate-secret", description = "A new secret (printed once); the old one keeps signing X-Signature "
                + "(and signs webhook-signature beside the new one) for 24 h.")
        boolean rotateSecret;

        @Option(names = "--end-secret-overlap", description = "The receiver has the new secret: the old one stops signing now.")
        boolean endSecretOverlap;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            ObjectNode body = JSON.createObjectNode();
            if (url != null) {
                body.put("url", url);
            }
            settings.into(body);
            if (enabled != null) {
                body.put("enabled", enabled);
            }
            if (rotateSecret) {
                body.put("rotate_secret", true);
            }
            if (endSecretOverlap) {
                if (rotateSecret) {
                    throw new UserError("--rotate-secret starts an overlap and --end-secret-overlap ends one; use one at a time.");
                }
                body.put("end_secret_overlap", true);
            }
            if (body.isEmpty()) {
                throw new UserError("nothing to change; name at least one option (see --help).");
            }
            return print(spec, target.operator.send("PATCH", target.path() + "/" + endpointId, body.toString()));
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove an endpoint.")
    static final class Remove implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The endpoint id (we_...).")
        String endpointId;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return print(spec, target.operator.send("DELETE", target.path() + "/" + endpointId, ""));
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "Send the endpoint a signed ping.")
    static final class Test implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The endpoint id (we_...).")
        String endpointId;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return print(spec, target.operator.send("POST", target.path() + "/" + endpointId + "/test", "{}"));
        }
    }

    @Command(name = "attempts", mixinStandardHelpOptions = true, description = "The endpoint's attempts, newest first.")
    static final class Attempts implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        Target target = new Target();
        @Parameters(index = "1", description = "The endpoint id (we_...).")
        String endpointId;
        @Option(names = "--since", description = "An ISO-8601 instant (default: 24 hours ago).")
        String since;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String query = since == null ? "" : "?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8);
            return print(spec, target.operator.send("GET", target.path() + "/" + endpointId + "/attempts" + query, ""));
        }
    }
}
