package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house rules of docs/DESIGN.md that are about size and naming, over the main sources of every module (the cli's
 * tests run in {@code cli/}, so the repository is its parent): no main file over 500 lines, no controller over 250, and
 * classes named by import rather than inline (at most 20 fully-qualified names in code, outside strings and comments).
 */
class HouseRulesTest {

    private static final int MAX_FILE_LINES = 500;
    private static final int MAX_CONTROLLER_LINES = 250;
    private static final int MAX_INLINE_NAMES = 20;
    /** A package-qualified class name: lower-case segments, then a capitalised one. */
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.\"])(?:java|javax|jakarta|io|org|com|dev)\\.(?:[a-z0-9_]+\\.)*[A-Z]\\w*");
    private static final Pattern STRING_OR_COMMENT = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|//.*$");

    private static Map<Path, List<String>> sources;

    @BeforeAll
    static void readMainSources() throws IOException {
        Path repository = Path.of("").toAbsolutePath().getParent();
        sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repository)) {
            files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                            && !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .forEach(p -> sources.put(repository.relativize(p), lines(p)));
        }
        assertThat(sources).as("main sources found under %s", repository).hasSizeGreaterThan(100);
    }

    @Test
    void no_main_file_is_over_500_lines() {
        Map<Path, Integer> over = new TreeMap<>();
        sources.forEach((path, lines) -> {
            if (lines.size() > MAX_FILE_LINES) {
                over.put(path, lines.size());
            }
        });
        assertThat(over).as("main files over %d lines (split them by what they do)", MAX_FILE_LINES).isEmpty();
    }

    @Test
    void no_controller_is_over_250_lines() {
        Map<Path, Integer> over = new TreeMap<>();
        sources.forEach((path, lines) -> {
            if (lines.stream().anyMatch(l -> l.startsWith("@Controller")) && lines.size() > MAX_CONTROLLER_LINES) {
                over.put(path, lines.size());
            }
        });
        assertThat(over).as("controllers over %d lines (a controller is a thin shell: move the work behind it)",
                MAX_CONTROLLER_LINES).isEmpty();
    }

    @Test
    void classes_are_named_by_import() {
        Map<String, String> inline = new TreeMap<>();
        sources.forEach((path, lines) -> {
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("import ") || line.startsWith("package ") || line.startsWith("*") || line.startsWith("/*")
                        || line.startsWith("//")) {
                    continue;
                }
                Matcher m = QUALIFIED.matcher(STRING_OR_COMMENT.matcher(line).replaceAll(" "));
                while (m.find()) {
                    inline.put(path + ":" + (i + 1) + " " + m.group(), m.group());
                }
            }
        });
        assertThat(inline.keySet()).as("inline fully-qualified names in main code (import them)").hasSizeLessThanOrEqualTo(MAX_INLINE_NAMES);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
