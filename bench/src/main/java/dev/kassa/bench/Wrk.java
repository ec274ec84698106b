package dev.kassa.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code wrk} as the load generator: a native, closed-loop HTTP client that a JVM under test cannot slow
 * down the way an in-process client does (the JDK client topped out near 1.5k requests/s on this machine).
 */
final class Wrk {

    /** What one run measured. */
    record Result(double requestsPerSecond, long requests, double p50Ms, double p99Ms, long non2xx) {
    }

    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

    private final String executable;

    private Wrk(String executable) {
        this.executable = executable;
    }

    /** The wrk on PATH, or an explanation of how to get one. */
    static Wrk find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "wrk");
            if (candidate.canExecute()) {
                return new Wrk(candidate.getPath());
            }
        }
        throw new IllegalStateException("kassa bench gateway drives wrk, which is not installed: `apt-get install wrk` (Debian), "
                + "or run with --load-generator jdk (its figures are bounded by the JDK client, not by the gateway)");
    }

    /** A closed loop of {@code connections} over 2 threads for {@code length}; {@code script}: a Lua script, or null. */
    Result run(String url, int connections, Duration length, Path script, Map<String, String> env, String... headers)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(executable, "--latency", "-t2", "-c" + connections, "-d" + length.toSeconds() + "s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        for (String header : headers) {
            command.addAll(List.of("-H", header));
        }
        command.add(url);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(length.toSeconds() + 60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("wrk did not finish: " + out);
        }
        return parse(out);
    }

    static Result parse(String out) {
        Matcher rps = RPS.matcher(out);
        Matcher total = TOTAL.matcher(out);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("wrk's output has no Requests/sec: " + out);
        }
        double p50 = -1;
        double p99 = -1;
        Matcher p = PERCENTILE.matcher(out);
        while (p.find()) {
            double value = Double.parseDouble(p.group(2)) * switch (p.group(3)) {
                case "us" -> 0.001;
                case "s" -> 1000;
                default -> 1;
            };
            if (p.group(1).equals("50")) {
                p50 = value;
            } else {
                p99 = value;
            }
        }
        Matcher bad = NON_2XX.matcher(out);
        return new Result(Double.parseDouble(rps.group(1)), Long.parseLong(total.group(1)), p50, p99,
                bad.find() ? Long.parseLong(bad.group(1)) : 0);
    }
}
