package dev.kassa.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What the browser tests run: the playwright-core scripts in {@code src/test/browser}, Node.js and Debian's Chromium.
 * A machine without them skips those tests, saying why ({@code ./kassa test} installs them when it can).
 */
final class BrowserScripts {

    static final Path DIR = Path.of("src/test/browser").toAbsolutePath();

    private BrowserScripts() {
    }

    /** Node.js, once Chromium and playwright-core are known to be there; otherwise the calling test is skipped. */
    static File nodeOrSkip(String test) {
        String chromium = System.getenv().getOrDefault("KASSA_CHROMIUM", "/usr/bin/chromium");
        File node = onPath("node");
        String missing = !new File(chromium).canExecute() ? "Chromium is not installed at " + chromium
                : node == null ? "Node.js is not installed"
                : !Files.isDirectory(DIR.resolve("node_modules/playwright-core")) ? "playwright-core is not installed in " + DIR
                : null;
        if (missing != null) {
            String reason = "SKIPPED " + test + ": " + missing + " (./kassa test installs Debian's chromium and "
                    + "playwright-core from npm when it runs as root with apt-get and npm)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return node;
    }

    static File onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate;
            }
        }
        return null;
    }
}
