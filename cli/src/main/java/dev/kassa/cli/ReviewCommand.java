package dev.kassa.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kassa review SESSION --approve|--reject|--refund}: the operator resolves a session in review. */
@Command(name = "review", mixinStandardHelpOptions = true,
        description = "Resolve a session in review: approve it (paid), reject it (failed), or refund the payment.")
final class ReviewCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SESSION_ID", description = "The session in review.")
    long sessionId;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Resolution resolution;

    static final class Resolution {
        @Option(names = "--approve", required = true, description = "Accept the payment: the session becomes paid.")
        boolean approve;

        @Option(names = "--reject", required = true, description = "Refuse it: the session becomes failed.")
        boolean reject;

        @Option(names = "--refund", required = true, description = "Give the money back through the provider: refunded.")
        boolean refund;
    }

    @Option(names = "--note", description = "Why, for the session's history.")
    String note;

    @Mixin
    MerchantCommand.Operator operator = new MerchantCommand.Operator();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("resolution", resolution.approve ? "approve" : resolution.reject ? "reject" : "refund");
        if (note != null) {
            body.put("note", note);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(operator.send("POST", "/admin/sessions/" + sessionId + "/review", new ObjectMapper().writeValueAsString(body)));
        out.flush();
        return 0;
    }
}
