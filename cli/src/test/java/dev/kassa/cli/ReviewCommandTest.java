package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.FreePorts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kassa review} against kassa dev: a sandbox payment sent to review is approved from the shell; and the
 * operator's dashboard-user commands, {@code kassa merchant add-user} and {@code remove-user}, on the same environment.
 */
class ReviewCommandTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void an_operator_approves_a_payment_in_review_from_the_shell() throws Exception {
        try (DevEnvironment env = DevEnvironment.start(dataDir, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            var credentials = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile());
            String admin = credentials.get("admin_token").asText();
            String key = credentials.get("merchant").get("api_key").asText();
            long session = JSON.readTree(send(url + "/gateway/session.php", key,
                    "{\"domain\":\"demo-shop.example\",\"amount\":\"12.00\",\"currency\":\"EUR\",\"order_id\":\"R-1\"}")).get("session_id").asLong();
            send(url + "/sandbox/sessions/" + session + "/pay", null, "{\"outcome\":\"review\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> status(url, key, session).equals("review"));

            StringWriter out = new StringWriter();
            assertThat(run(out, "review", "" + session, "--approve", "--note", "order checked", "--gateway", url, "--admin-token", admin))
                    .as(out.toString()).isEqualTo(0);
            assertThat(out.toString()).contains("\"status\":\"paid\"");
            assertThat(status(url, key, session)).isEqualTo("paid");

            StringWriter again = new StringWriter();
            assertThat(run(again, "review", "" + session, "--refund", "--gateway", url, "--admin-token", admin)).isEqualTo(2);
            assertThat(again.toString()).contains("409").contains("not in review");
            StringWriter neither = new StringWriter();
            assertThat(run(neither, "review", "" + session, "--gateway", url, "--admin-token", admin)).isEqualTo(2);
            assertThat(neither.toString()).contains("Missing required argument").doesNotContain("Exception");

            long merchant = credentials.at("/merchant/merchant_id").asLong();
            StringWriter added = new StringWriter();
            assertThat(run(added, "merchant", "add-user", "" + merchant, "Clerk@Demo-Shop.example", "--gateway", url, "--admin-token", admin))
                    .as(added.toString()).isEqualTo(0);
            assertThat(added.toString()).contains("dashboard user clerk@demo-shop.example").contains("/dashboard/set-password?token=");
            StringWriter removed = new StringWriter();
            assertThat(run(removed, "merchant", "remove-user", "" + merchant, "clerk@demo-shop.example", "--gateway", url, "--admin-token", admin))
                    .as(removed.toString()).isEqualTo(0);
            assertThat(removed.toString()).contains("clerk@demo-shop.example removed from merchant " + merchant);
            StringWriter twice = new StringWriter();
            assertThat(run(twice, "merchant", "remove-user", "" + merchant, "clerk@demo-shop.example", "--gateway", url, "--admin-token", admin))
                    .isEqualTo(2);
            assertThat(twice.toString()).contains("404").contains("has no dashboard user").doesNotContain("Exception");
        }
    }

    private static int run(StringWriter out, String... args) {
        CommandLine cli = Kassa.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args);
    }

    private static String send(String url, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String status(String url, String key, long session) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/gateway/status.php?session_id=" + session))
                .header("X-API-Key", key).build(), HttpResponse.BodyHandlers.ofString()).body()).at("/session/status").asText();
    }
}
