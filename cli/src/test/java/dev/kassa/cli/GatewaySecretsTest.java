package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.gateway.SecretStrength;
import dev.kassa.localkafka.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code kassa gateway} refuses to start with a weak operator token, or outside development without the gateways'
 * shared secret or an admin port: one sentence and exit code 2, before it touches Kafka (the bootstrap named here
 * answers nothing).
 */
class GatewaySecretsTest {

    private static final String STRONG = "3f9a1c7e5b2d8046af13c9e7b5d20864";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            sixteen characters, one repeated | aaaaaaaaaaaaaaaa
            a short phrase                   | chaos-admin-token
            24 hex digits (96 bits)          | 3f9a1c7e5b2d8046af13c9e7
            """)
    void a_weak_operator_token_is_refused(String name, String token) throws Exception {
        assertThat(SecretStrength.bits(token)).isLessThan(SecretStrength.MIN_BITS);
        Result result = gateway(Map.of("KASSA_ADMIN_TOKEN", token, "KASSA_GATEWAY_SECRET", STRONG + STRONG), "--development");
        assertThat(result.exit).as(result.output).isEqualTo(2);
        assertThat(result.output).contains("KASSA_ADMIN_TOKEN carries about").contains("openssl rand -hex 32").doesNotContain("Exception")
                .doesNotContain(token);
    }

    @Test
    void outside_development_the_shared_secret_is_required_and_must_be_strong() throws Exception {
        Path keyring = dir.resolve("keyring");
        Files.writeString(keyring, "k1=" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Result none = gateway(Map.of("KASSA_ADMIN_TOKEN", STRONG + STRONG), "--secrets-keyring", keyring.toString());
        assertThat(none.exit).as(none.output).isEqualTo(2);
        assertThat(none.output).contains("pass --shared-secret-file FILE (or set KASSA_GATEWAY_SECRET)");

        Path weak = dir.resolve("gateway.secret");
        Files.writeString(weak, "# a comment line first\nsecret\n");
        Result short_ = gateway(Map.of("KASSA_ADMIN_TOKEN", STRONG + STRONG), "--secrets-keyring", keyring.toString(),
                "--shared-secret-file", weak.toString());
        assertThat(short_.exit).as(short_.output).isEqualTo(2);
        assertThat(short_.output).contains("the gateways' shared secret carries about");
    }

    @Test
    void outside_development_the_operator_api_needs_its_own_port() throws Exception {
        Path keyring = dir.resolve("keyring");
        Files.writeString(keyring, "k1=" + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Result result = gateway(Map.of("KASSA_ADMIN_TOKEN", STRONG + STRONG, "KASSA_GATEWAY_SECRET", STRONG + STRONG),
                "--secrets-keyring", keyring.toString());
        assertThat(result.exit).as(result.output).isEqualTo(2);
        assertThat(result.output).contains("pass --admin-port N").doesNotContain("Exception");
    }

    @Test
    void strong_secrets_are_counted_as_such() {
        assertThat(SecretStrength.bits(STRONG + STRONG)).isGreaterThanOrEqualTo(SecretStrength.MIN_BITS);
        assertThat(SecretStrength.bits("kassa_admin_" + "Qm9vZ2llV29vZ2llQm9vZ2llV29vZ2ll")).isGreaterThanOrEqualTo(SecretStrength.MIN_BITS);
        assertThat(SecretStrength.bits("")).isZero();
    }

    private record Result(int exit, String output) {
    }

    private Result gateway(Map<String, String> environment, String... more) throws Exception {
        String[] args = new String[6 + more.length];
        String[] base = {"gateway", "--bootstrap", "127.0.0.1:9", "--public-url", "https://pay.example", "--port=18999"};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        String name = "gateway-secrets-" + System.nanoTime();
        Process process = ChildJvm.start(name, Kassa.class, environment, args);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the gateway refused and ended").isTrue();
        Path out = Path.of(System.getProperty("kassa.test.logs", "target/test-logs"), name + ".out");
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
