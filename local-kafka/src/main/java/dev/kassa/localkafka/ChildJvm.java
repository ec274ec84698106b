package dev.kassa.localkafka;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a Kassa service in a JVM of its own, on this JVM's classpath, so that a test can kill it with SIGKILL
 * ({@link Process#destroyForcibly()}) the way a crash would. Its output goes to {@code <test logs>/<name>.out}.
 */
public final class ChildJvm {

    /**
     * Several of these share a small machine with their parent (seven in {@code kassa chaos}, on two cores in CI) and live
     * for minutes: the C2 compiler alone then took a third of each one's CPU, and the processes starved each other (load
     * average 20-30 on 2 cores; the aggregate's transactions then lagged ~20 s). C1 only, and the serial collector (no
     * parallel GC threads), keep each one light; their code runs a little slower, which a test at a few requests a second
     * never notices. Production processes ({@code ./kassa}, the image) keep the JVM's defaults.
     */
    static final List<String> LEAN_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ChildJvm() {
    }

    public static Process start(String name, Class<?> mainClass, String... args) throws IOException {
        return start(name, mainClass, Map.of(), args);
    }

    /** The same with more environment variables (e.g. a token a service takes only from its environment). */
    public static Process start(String name, Class<?> mainClass, Map<String, String> environment, String... args)
            throws IOException {
        Path logs = Path.of(System.getProperty("kassa.test.logs", "target/test-logs"));
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LEAN_JVM);
        command.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.kassa.schemas.avro");
        command.add("-Djdk.httpclient.allowRestrictedHeaders=host");
        command.add("-Dkassa.test.logs=" + logs.resolve(name).toAbsolutePath());
        // Its own log file beside its output (kassa's logback.xml names the file after kassa.log.name): several
        // processes of one run (three Kafka nodes in `kassa chaos`) never write one file.
        command.add("-Dkassa.log.dir=" + logs.toAbsolutePath());
        command.add("-Dkassa.log.name=" + name);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(new File(logs.toFile(), name + ".out"));
        return builder.start();
    }
}
