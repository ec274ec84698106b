package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.gateway.GatewayServer;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The API reference at {@code /docs} renders in a real browser (Debian's Chromium via playwright-core, JavaScript on):
 * Swagger UI, served by the gateway itself, shows the OpenAPI document with the seed paths, and the page's content
 * security policy refuses nothing it needs. The screenshot lands in {@code cli/target/browser-screenshots}.
 */
@ExtendWith(KafkaExtension.class)
class ApiDocsBrowserTest {

    private static final Path SCRIPTS = Path.of("src/test/browser").toAbsolutePath();

    @Test
    void the_api_reference_renders_the_openapi_document(KafkaCluster kafka) throws Exception {
        String chromium = System.getenv().getOrDefault("KASSA_CHROMIUM", "/usr/bin/chromium");
        File node = onPath("node");
        String missing = !new File(chromium).canExecute() ? "Chromium is not installed at " + chromium
                : node == null ? "Node.js is not installed"
                : !Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core")) ? "playwright-core is not installed in " + SCRIPTS
                : null;
        if (missing != null) {
            String reason = "SKIPPED ApiDocsBrowserTest: " + missing + " (./kassa test installs them when it runs as root with apt-get and npm)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        try (GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "admin-docs", "http://localhost:8080", true)) {
            Path shots = Path.of("target/browser-screenshots").toAbsolutePath();
            Process script = new ProcessBuilder(node.getPath(), SCRIPTS.resolve("docs.mjs").toString(), gateway.url(), shots.toString())
                    .redirectErrorStream(true).start();
            String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(script.waitFor(2, TimeUnit.MINUTES)).isTrue();
            System.out.print(output);
            assertThat(script.exitValue()).as(output).isZero();
            assertThat(output).contains("browser: docs rendered");
            assertThat(shots.resolve("docs-1-reference.png")).exists();
        }
    }

    private static File onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
