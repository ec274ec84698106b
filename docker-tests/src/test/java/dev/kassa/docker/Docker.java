package dev.kassa.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs docker and docker-compose as a user would, and says why the Docker tests cannot run here when they cannot. */
final class Docker {

    /** The images deploy/compose-test.yml names besides kassa-app:local, all built by scripts/local-images.sh. */
    static final List<String> LOCAL_IMAGES = List.of("kassa-jre:local", "kassa-kafka:local", "kassa-nginx:local",
            "kassa-openssl:local", "kassa-prometheus:local", "kassa-receiver:local");

    /** The repository's root (the tests run in docker-tests/). */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

    record Result(int exit, String output) {
        Result orFail(String what) {
            if (exit != 0) {
                throw new AssertionError(what + " exited " + exit + ":\n" + output);
            }
            return this;
        }
    }

    private Docker() {
    }

    /** Empty when a Docker engine answers and every local image is here; otherwise why not. */
    static Optional<String> unavailableReason() {
        try {
            if (run(Path.of("."), Map.of(), Duration.ofSeconds(20), "docker", "info").exit() != 0) {
                return Optional.of("no Docker engine answers on this machine (scripts/local-images.sh starts one as root)");
            }
            if (run(Path.of("."), Map.of(), Duration.ofSeconds(20), "docker-compose", "version").exit() != 0) {
                return Optional.of("docker-compose is not installed");
            }
            for (String image : LOCAL_IMAGES) {
                if (run(Path.of("."), Map.of(), Duration.ofSeconds(20), "docker", "image", "inspect", image).exit() != 0) {
                    return Optional.of(image + " is not built (scripts/local-images.sh builds it, as root)");
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("docker cannot be run here: " + e.getMessage());
        }
    }

    /** Builds kassa-app:local from the jars this module's build copied (scripts/local-images.sh kassa DIR). */
    static void buildKassaImage() throws IOException {
        Path libs = ROOT.resolve("docker-tests/target/kassa-image/lib");
        run(ROOT, Map.of(), Duration.ofMinutes(5), "bash", ROOT.resolve("scripts/local-images.sh").toString(), "kassa", libs.toString())
                .orFail("scripts/local-images.sh kassa " + libs);
    }

    static Result run(Path dir, Map<String, String> env, Duration timeout, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        // Read while it runs (a full pipe would stall it), then wait.
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                reader.join(5_000);
                return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command) + "\n"
                        + (out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8)));
            }
            reader.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return new Result(process.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** One compose project: the repository's docker-compose.yml with the test profile, from a copy in {@code dir}. */
    record Compose(Path dir, String project, Map<String, String> env) {
        Result run(Duration timeout, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of("docker-compose", "--ansi", "never", "-f", "docker-compose.yml",
                    "-f", "deploy/compose-test.yml", "-p", project));
            command.addAll(List.of(args));
            return Docker.run(dir, env, timeout, command.toArray(String[]::new));
        }
    }
}
