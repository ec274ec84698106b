package dev.kassa.cli;

import dev.kassa.bench.BenchCommand;
import dev.kassa.chaos.ChaosCommand;
import dev.kassa.chaos.ChaosRunFailed;
import dev.kassa.localkafka.LocalKafkaException;
import dev.kassa.schemas.TopicProvisioner.TopicProvisioningException;
import dev.kassa.schemas.WireFormat;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code kassa} command. */
@Command(name = "kassa", mixinStandardHelpOptions = true, version = "kassa 0.1.0-SNAPSHOT",
        subcommands = {DevCommand.class, GatewayCommand.class, ReviewCommand.class, AggregateCommand.class, RelayCommand.class, RedeliverCommand.class, HistoryCommand.class, RoutingCommand.class, ProvidersCommand.class, ReplayCommand.class, MerchantCommand.class, TopicsCommand.class, BenchCommand.class, ChaosCommand.class},
        description = "Event-sourced checkout sessions on Apache Kafka.")
public final class Kassa implements Runnable {

    /** Exit code for a problem the user can fix (busy port, unwritable directory, unreachable cluster). */
    static final int USER_ERROR = 2;

    @picocli.CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        WireFormat.configureFromSystemProperties();
        System.exit(commandLine().execute(args));
    }

    /** The command line with Kassa's error handling: one sentence for a user's mistake, never a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Kassa());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            String name = commandLine.getCommandSpec().qualifiedName();
            if (e instanceof LocalKafkaException || e instanceof TopicProvisioningException || e instanceof UserError || e instanceof ChaosRunFailed) {
                err.println(name + ": " + e.getMessage());
                err.flush();
                return USER_ERROR;
            }
            LoggerFactory.getLogger(Kassa.class).error("{} failed", name, e);
            err.println(name + ": failed unexpectedly (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); details are in the log file.");
            err.flush();
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
