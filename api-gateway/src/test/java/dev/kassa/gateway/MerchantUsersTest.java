package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's invitations of dashboard users ({@code POST /admin/merchants/{id}/users}) over real HTTP and a real
 * broker: a one-time link, a new one on a second invite of the same person, one e-mail per merchant, bad input refused.
 */
@ExtendWith(KafkaExtension.class)
class MerchantUsersTest {

    private static final String ADMIN = "merchant-users-admin-token";
    /** Never follows redirects: the link page's 303 is what is tested. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayStack stack;
    private static GatewayServer gateway;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        stack = GatewayStack.start(kafka, "merchant-users", ADMIN);
        gateway = stack.gateway;
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void an_invite_gives_a_one_time_link_and_an_email_signs_in_to_one_merchant_only() throws Exception {
        long first = merchant("owner-a@example.com");
        long second = merchant("owner-b@example.com");
        HttpResponse<String> invited = send("POST", "/admin/merchants/" + first + "/users", "{\"email\":\"Clerk@Example.com\"}");
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
        JsonNode answer = JSON.readTree(invited.body());
        assertThat(answer.get("email").asText()).isEqualTo("clerk@example.com");
        String link = answer.get("set_password_url").asText();
        assertThat(link).startsWith("http://localhost:8080/dashboard/set-password?token=");

        // Inviting the same person again (a forgotten password) gives a new link; the old one no longer works.
        HttpResponse<String> again = send("POST", "/admin/merchants/" + first + "/users", "{\"email\":\"clerk@example.com\"}");
        assertThat(again.statusCode()).isEqualTo(201);
        String second_link = JSON.readTree(again.body()).get("set_password_url").asText();
        assertThat(second_link).isNotEqualTo(link);
        assertThat(page(link).body()).doesNotContain("name=\"password\"");
        assertThat(page(second_link).body()).contains("name=\"password\"");

        HttpResponse<String> taken = send("POST", "/admin/merchants/" + second + "/users", "{\"email\":\"CLERK@example.com\"}");
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(taken.body()).get("error").asText()).isEqualTo("email_taken");
        assertThat(page(second_link).body()).as("the first merchant's user is untouched").contains("name=\"password\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not an e-mail      | {"email":"clerk"}              | 400 | invalid_email
            no e-mail          | {}                             | 400 | missing_field
            not JSON           | {"email":                      | 400 | invalid_json
            """)
    void a_bad_invite_is_refused(String name, String body, int status, String code) throws Exception {
        long merchant = merchant("bad-invite-" + name.replace(' ', '-') + "@example.com");
        HttpResponse<String> answer = send("POST", "/admin/merchants/" + merchant + "/users", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo(code);
    }

    @Test
    void an_invite_for_no_merchant_is_a_404() throws Exception {
        HttpResponse<String> answer = send("POST", "/admin/merchants/12345/users", "{\"email\":\"nobody@example.com\"}");
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("not_found");
    }

    private static HttpResponse<String> page(String url) throws Exception {
        URI uri = URI.create(url);
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + uri.getPath() + "?" + uri.getQuery())).timeout(Duration.ofSeconds(30))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long merchant(String email) throws Exception {
        HttpResponse<String> created = send("POST", "/admin/merchants",
                "{\"email\":\"" + email + "\",\"domains\":[\"yourshop.com\"],\"package\":\"pro\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("merchant_id").asLong();
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
