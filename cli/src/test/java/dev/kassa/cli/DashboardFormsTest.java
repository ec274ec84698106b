package dev.kassa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.localkafka.FreePorts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every form the dashboard's pages contain, found by reading the pages a signed-in merchant can reach (not listed by
 * hand), gets the posts a broken or hostile client sends: an empty body, garbage bytes, a 1 MB body and a JSON body.
 * Each is answered with a 400 or 403 page in the dashboard's shape: never a 500, never a JSON error or a stack trace,
 * and the merchant is still signed in afterwards with nothing changed.
 */
class DashboardFormsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("href=\"(/dashboard[^\"#?]*)\"");
    private static final Pattern FORM = Pattern.compile("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"|<form[^>]*action=\"([^\"]+)\"[^>]*method=\"post\"");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void every_form_action_answers_a_page_to_empty_garbage_oversized_and_json_posts() throws Exception {
        try (DevEnvironment env = DevEnvironment.start(dataDir, FreePorts.pick(), FreePorts.pick())) {
            String url = env.gateway().url();
            JsonNode credentials = JSON.readTree(dataDir.resolve("dev-credentials.json").toFile());
            String key = credentials.at("/merchant/api_key").asText();
            // A paid session, so that its page has its forms (resend, refund, cancel).
            String created = send(url, "POST", "/gateway/session.php", "Bearer " + key, "application/json",
                    "{\"domain\":\"" + credentials.at("/merchant/domain").asText() + "\",\"amount\":\"25.00\",\"currency\":\"EUR\","
                            + "\"order_id\":\"FORMS-1\"}", null).body();
            long session = JSON.readTree(created).get("session_id").asLong();
            send(url, "POST", "/sandbox/sessions/" + session + "/pay", null, "application/json", "{\"outcome\":\"paid\"}", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + session,
                    "Bearer " + key, null, null, null).body()).at("/session/status").asText().equals("paid"));

            // A link, a product and a second webhook endpoint, so that their own forms are on the pages too.
            String admin = "Bearer " + credentials.get("admin_token").asText();
            long merchantId = credentials.at("/merchant/merchant_id").asLong();
            assertThat(send(url, "POST", "/gateway/payment_links.php", "Bearer " + key, "application/json",
                    "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"description\":\"Forms\"}", null).statusCode()).isEqualTo(201);
            assertThat(send(url, "POST", "/admin/merchants/" + merchantId + "/products", admin, "application/json",
                    "{\"slug\":\"forms-mug\",\"name\":\"Mug\",\"description\":\"A mug\",\"amount\":\"9.00\",\"currency\":\"EUR\"}",
                    null).statusCode()).isEqualTo(201);
            assertThat(send(url, "POST", "/admin/merchants/" + merchantId + "/webhook-endpoints", admin, "application/json",
                    "{\"url\":\"http://127.0.0.1:9/forms\"}", null).statusCode()).isEqualTo(201);

            // Sign in as a browser does: the login page's token (in its cookie and its form), then the password.
            HttpResponse<String> login = send(url, "GET", "/dashboard/login", null, null, null, null);
            String loginCookie = cookies(login);
            Set<String> actions = new LinkedHashSet<>(forms(login.body()));
            String form = "csrf=" + token(login.body()) + "&email=" + enc(credentials.at("/dashboard/email").asText())
                    + "&password=" + enc(credentials.at("/dashboard/password").asText());
            HttpResponse<String> signedIn = send(url, "POST", "/dashboard/login", null, "application/x-www-form-urlencoded", form, loginCookie);
            assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(303);
            String cookie = cookies(signedIn);

            // Every page a merchant reaches from the dashboard by its links, and the session page; their forms.
            Deque<String> toVisit = new ArrayDeque<>(List.of("/dashboard", "/dashboard/sessions/" + session));
            Set<String> visited = new LinkedHashSet<>();
            while (!toVisit.isEmpty() && visited.size() < 40) {
                String page = toVisit.poll();
                if (!visited.add(page) || page.startsWith("/dashboard/assets") || page.endsWith(".csv")) {
                    continue;
                }
                HttpResponse<String> answer = send(url, "GET", page, null, null, null, cookie);
                assertThat(answer.statusCode()).as("GET %s", page).isIn(200, 303);
                Matcher links = LINK.matcher(answer.body());
                while (links.find()) {
                    toVisit.add(links.group(1));
                }
                actions.addAll(forms(answer.body()));
            }
            System.out.printf("dashboard forms: %d pages read, %d form actions: %s%n", visited.size(), actions.size(), actions);
            assertThat(actions).as("the forms found").contains("/dashboard/login", "/dashboard/logout", "/dashboard/settings",
                    "/dashboard/sessions/" + session + "/refund", "/dashboard/products/forms-mug")
                    .anySatisfy(a -> assertThat(a).startsWith("/dashboard/settings/endpoints/we_"))
                    .anySatisfy(a -> assertThat(a).matches("/dashboard/links/.+/active"));

            String garbage = "%zz&=&csrf&&%%%=\u00ff\u0000" + "x".repeat(200);
            String big = "csrf=" + "a".repeat(1_000_000);
            for (String action : actions) {
                assertPage(send(url, "POST", action, null, "application/x-www-form-urlencoded", "", cookie), action, "empty");
                assertPage(send(url, "POST", action, null, "application/x-www-form-urlencoded", garbage, cookie), action, "garbage");
                assertPage(send(url, "POST", action, null, "application/x-www-form-urlencoded", big, cookie), action, "1 MB");
                assertPage(send(url, "POST", action, null, "application/json", "{\"csrf\": 1}", cookie), action, "JSON");
            }
            // Still signed in, and nothing was refunded or cancelled by any of it.
            assertThat(send(url, "GET", "/dashboard", null, null, null, cookie).statusCode()).isEqualTo(200);
            JsonNode status = JSON.readTree(send(url, "GET", "/gateway/status.php?session_id=" + session, "Bearer " + key, null, null, null).body());
            assertThat(status.at("/session/status").asText()).isEqualTo("paid");
            assertThat(status.at("/session/refunded_amount").isMissingNode() || status.at("/session/refunded_amount").asText().equals("0.00"))
                    .as("refunded: %s", status).isTrue();
        }
    }

    private static void assertPage(HttpResponse<String> answer, String action, String what) {
        assertThat(answer.statusCode()).as("%s post to %s: %s", what, action, answer.body()).isIn(400, 403);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("%s post to %s", what, action).startsWith("text/html");
        assertThat(answer.body()).as("%s post to %s", what, action).doesNotContain("Exception").doesNotContain("\"ok\"");
    }

    private static List<String> forms(String html) {
        List<String> found = new ArrayList<>();
        Matcher m = FORM.matcher(html);
        while (m.find()) {
            String action = m.group(1) != null ? m.group(1) : m.group(2);
            if (action.startsWith("/dashboard")) {
                found.add(action.replace("&amp;", "&"));
            }
        }
        return found;
    }

    private static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a csrf field in %s", html).isTrue();
        return m.group(1);
    }

    private static String cookies(HttpResponse<?> response) {
        return String.join("; ", response.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0]).toList());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String url, String method, String path, String authorization, String type, String body, String cookie)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        if (cookie != null && !cookie.isEmpty()) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
