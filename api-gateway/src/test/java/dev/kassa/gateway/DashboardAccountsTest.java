package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kassa.gateway.edge.ClientAddress;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import io.micronaut.http.HttpMethod;
import io.micronaut.web.router.Router;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dashboard accounts as SPEC.md's "Accounts" line says, over real HTTP and a real broker, each from the side of someone
 * holding what they should not: a copied cookie after sign-out, a disabled merchant's or a removed user's cookie, a
 * signed-in browser without the password asking for a new API key, wallet, endpoint secret or two-step change, a code
 * replayed, a crowd of addresses guessing one user's password.
 */
@ExtendWith(KafkaExtension.class)
class DashboardAccountsTest {

    private static final String ADMIN = "dashboard-accounts-admin-token";
    private static final String PASSWORD = "correct horse battery";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Set<String> SIGN_IN_FORMS = Set.of("/dashboard/login", "/dashboard/login/code", "/dashboard/set-password");
    private static final String SHARED = "dashboard-accounts-shared-secret-5f0c2a9e77d14b3c";
    private static GatewayStack stack;
    private static String bootstrap;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        // Behind Kassa's proxy: the client's address is the last X-Forwarded-For entry, so one test can be many addresses.
        stack = GatewayStack.start(kafka, "dashboard-accounts", ADMIN, Map.of("kassa.gateway.trust-forwarded-for", true,
                "kassa.gateway.shared-secret", SHARED));
        bootstrap = kafka.bootstrapServers();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void sign_out_ends_the_session_on_the_server_so_a_copied_cookie_stops_working() throws Exception {
        Browser browser = new Browser("10.0.1.1");
        String email = user(merchant("signout"), "signout");
        browser.signIn(email, PASSWORD);
        String copied = browser.cookies.get("kassa_dashboard");
        assertThat(browser.get("/dashboard").statusCode()).isEqualTo(200);
        String csrf = browser.csrf("/dashboard");

        assertThat(browser.post("/dashboard/logout", Map.of("csrf", csrf)).statusCode()).isEqualTo(303);
        Browser thief = new Browser("10.0.1.2");
        thief.cookies.put("kassa_dashboard", copied);
        HttpResponse<String> page = thief.get("/dashboard");
        assertThat(page.statusCode()).as("the copied cookie after sign-out").isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).hasValue("/dashboard/login");
        // Signing in again works (a new session after the sign-out).
        browser.signIn(email, PASSWORD);
        assertThat(browser.get("/dashboard").statusCode()).isEqualTo(200);
    }

    @Test
    void every_dashboard_form_is_refused_without_the_sessions_token_before_its_handler_runs() throws Exception {
        Browser browser = new Browser("10.0.9.1");
        browser.signIn(user(merchant("tokens"), "tokens"), PASSWORD);
        String token = browser.csrf("/dashboard");
        // Every POST route of the dashboard the running gateway has, not a list kept by hand: a new form is covered too.
        List<String> posts = stack.gateway.bean(Router.class).uriRoutes()
                .filter(r -> r.getHttpMethod() == HttpMethod.POST)
                .map(r -> r.getUriMatchTemplate().toPathString().replaceAll("\\{[^}]+}", "x"))
                .filter(path -> path.startsWith("/dashboard/") && !SIGN_IN_FORMS.contains(path)).distinct().toList();
        assertThat(posts).as("the dashboard's forms").hasSizeGreaterThan(15).contains("/dashboard/logout", "/dashboard/settings/api-key");
        for (String path : posts) {
            for (Map<String, String> form : List.of(Map.of("csrf", token + "x"), Map.<String, String>of("action", "rotate"))) {
                HttpResponse<String> refused = browser.post(path, form);
                assertThat(refused.statusCode()).as("%s with %s", path, form).isEqualTo(403);
                assertThat(refused.body()).as(path).contains("security token is missing or old");
            }
            HttpResponse<String> stranger = new Browser("10.0.9.2").post(path, Map.of("csrf", token));
            assertThat(stranger.statusCode()).as("%s signed out", path).isEqualTo(303);
            assertThat(stranger.headers().firstValue("Location")).hasValue("/dashboard/login");
        }
        assertThat(browser.get("/dashboard").statusCode()).as("still signed in: logout refused too").isEqualTo(200);
    }

    @Test
    void a_disabled_merchant_is_turned_away_at_every_request_and_at_sign_in() throws Exception {
        long merchant = merchant("disabled");
        String email = user(merchant, "disabled");
        Browser browser = new Browser("10.0.2.1");
        browser.signIn(email, PASSWORD);
        String csrf = browser.csrf("/dashboard/settings");

        assertThat(admin("PATCH", "/admin/merchants/" + merchant, "{\"disabled\":true}").statusCode()).isEqualTo(200);
        assertThat(browser.get("/dashboard/settings").statusCode()).isEqualTo(303);
        HttpResponse<String> key = browser.post("/dashboard/settings/api-key", Map.of("csrf", csrf, "password", PASSWORD));
        assertThat(key.statusCode()).as("a sensitive form of a disabled merchant").isEqualTo(303);
        assertThat(key.body()).doesNotContain("kassa_");
        HttpResponse<String> again = new Browser("10.0.2.2").trySignIn(email, PASSWORD);
        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.body()).contains("the operator has disabled its merchant");
        assertThat(again.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("kassa_dashboard="));

        assertThat(admin("PATCH", "/admin/merchants/" + merchant, "{\"disabled\":false}").statusCode()).isEqualTo(200);
        new Browser("10.0.2.3").signIn(email, PASSWORD);
    }

    @Test
    void the_operator_removes_a_user_whose_sessions_end_at_once() throws Exception {
        long merchant = merchant("removed");
        long other = merchant("removed-other");
        String email = user(merchant, "removed");
        Browser browser = new Browser("10.0.3.1");
        browser.signIn(email, PASSWORD);

        assertThat(admin("DELETE", "/admin/merchants/" + other + "/users/" + email, "").statusCode())
                .as("another merchant's user").isEqualTo(404);
        HttpResponse<String> removed = admin("DELETE", "/admin/merchants/" + merchant + "/users/" + email.toUpperCase(Locale.ROOT), "");
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(JSON.readTree(removed.body()).get("email").asText()).isEqualTo(email);
        assertThat(browser.get("/dashboard").statusCode()).isEqualTo(303);
        assertThat(new Browser("10.0.3.2").trySignIn(email, PASSWORD).body()).contains("Wrong e-mail or password.");
        HttpResponse<String> twice = admin("DELETE", "/admin/merchants/" + merchant + "/users/" + email, "");
        assertThat(twice.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(twice.body()).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void sensitive_actions_ask_for_the_password_again() throws Exception {
        long merchant = merchant("reauth");
        String email = user(merchant, "reauth");
        Browser browser = new Browser("10.0.4.1");
        browser.signIn(email, PASSWORD);
        String csrf = browser.csrf("/dashboard/settings");
        String endpoint = JSON.readTree(admin("POST", "/admin/merchants/" + merchant + "/webhook-endpoints",
                "{\"url\":\"https://hooks.example.com/reauth\"}").body()).get("endpoint_id").asText();

        Map<String, Map<String, String>> actions = new LinkedHashMap<>();
        actions.put("/dashboard/settings/api-key", Map.of("overlap", "0"));
        actions.put("/dashboard/settings/crypto", Map.of("address", "0x52908400098527886E0F7030069857D2E4169EE7", "crypto_enabled", "on"));
        actions.put("/dashboard/settings/endpoints", Map.of("url", "https://attacker.example.net/hook"));
        actions.put("/dashboard/settings/endpoints/" + endpoint, Map.of("action", "rotate"));
        actions.put("/dashboard/settings/two-step", Map.of());
        for (var action : actions.entrySet()) {
            Map<String, String> form = new LinkedHashMap<>(action.getValue());
            form.put("csrf", csrf);
            HttpResponse<String> asked = browser.post(action.getKey(), form);
            assertThat(asked.statusCode()).as("%s without the password", action.getKey()).isEqualTo(200);
            assertThat(asked.body()).as(action.getKey()).contains("Confirm it is you").contains("name=\"password\"")
                    .doesNotContain("kassa_live_").doesNotContain("whsec_").doesNotContain("otpauth://");
            form.put("password", PASSWORD + "-wrong");
            HttpResponse<String> wrong = browser.post(action.getKey(), form);
            assertThat(wrong.statusCode()).as("%s with a wrong password", action.getKey()).isEqualTo(200);
            assertThat(wrong.body()).contains("That password is not right.");
        }
        // Nothing changed: the same key works, no wallet, no new endpoint.
        assertThat(admin("GET", "/admin/merchants/" + merchant + "/webhook-endpoints", "").body()).contains("hooks.example.com")
                .doesNotContain("attacker.example.net");
        assertThat(browser.get("/dashboard/settings").body()).contains("Webhook endpoints")
                .doesNotContain("0x52908400098527886E0F7030069857D2E4169EE7");

        // The ninth try within a minute waits; the carried fields were the form's own.
        for (int i = 0; i < 3; i++) {
            assertThat(browser.post("/dashboard/settings/api-key", Map.of("csrf", csrf, "overlap", "0", "password", "wrong " + i))
                    .body()).contains("That password is not right.");
        }
        HttpResponse<String> limited = browser.post("/dashboard/settings/api-key", Map.of("csrf", csrf, "overlap", "0", "password", PASSWORD));
        assertThat(limited.statusCode()).as("the 9th password try of a minute").isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(limited.body()).contains("name=\"overlap\" value=\"0\"");
    }

    @Test
    void the_right_password_confirms_and_a_two_step_code_is_used_once() throws Exception {
        long merchant = merchant("two-step");
        String email = user(merchant, "two-step");
        Browser browser = new Browser("10.0.5.1");
        browser.signIn(email, PASSWORD);
        String csrf = browser.csrf("/dashboard/settings");

        HttpResponse<String> key = browser.post("/dashboard/settings/api-key", Map.of("csrf", csrf, "overlap", "3600", "password", PASSWORD));
        assertThat(key.statusCode()).isEqualTo(200);
        assertThat(key.body()).contains("Your new API key").contains("kassa_");

        // A key of the thief's own, with a right code for it, is refused: only the key this session was shown is confirmed.
        String forged = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        HttpResponse<String> forgedKey = browser.post("/dashboard/settings/two-step/confirm",
                Map.of("csrf", csrf, "key", forged, "proof", "x", "code", code(forged, Instant.now())));
        assertThat(forgedKey.statusCode()).isEqualTo(403);

        HttpResponse<String> setup = browser.post("/dashboard/settings/two-step", Map.of("csrf", csrf, "password", PASSWORD));
        assertThat(setup.statusCode()).isEqualTo(200);
        String secret = field(setup.body(), "key");
        String step = code(secret, Instant.now());
        HttpResponse<String> on = browser.post("/dashboard/settings/two-step/confirm",
                Map.of("csrf", csrf, "key", secret, "proof", field(setup.body(), "proof"), "code", step));
        assertThat(on.statusCode()).as(on.body()).isEqualTo(303);

        // Sign in again: the code just used to turn it on is spent; the next step's code (an app a little ahead) works once.
        Browser again = new Browser("10.0.5.2");
        HttpResponse<String> password = again.trySignIn(email, PASSWORD);
        assertThat(password.body()).contains("name=\"step\"");
        String token = field(password.body(), "step");
        HttpResponse<String> replay = again.postLogin("/dashboard/login/code", Map.of("step", token, "code", step));
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("was used already");
        String next = code(secret, Instant.now().plusSeconds(30));
        assertThat(again.postLogin("/dashboard/login/code", Map.of("step", token, "code", next)).statusCode()).isEqualTo(303);
        Browser third = new Browser("10.0.5.3");
        HttpResponse<String> third1 = third.trySignIn(email, PASSWORD);
        assertThat(third.postLogin("/dashboard/login/code", Map.of("step", field(third1.body(), "step"), "code", next)).body())
                .as("the same code in another browser").contains("was used already");

        // Turning it off asks for the password and a (fresh) code.
        String csrf2 = again.csrf("/dashboard/settings");
        HttpResponse<String> off = again.post("/dashboard/settings/two-step/off", Map.of("csrf", csrf2, "password", PASSWORD, "code", next));
        assertThat(off.body()).contains("was used already").contains("name=\"code\"");
        assertThat(again.get("/dashboard/settings").body()).as("two-step stays on").contains("two-step-state");
    }

    @Test
    void a_crowd_guessing_one_password_cannot_lock_its_user_out_of_a_browser_that_signed_in_before() throws Exception {
        String email = user(merchant("crowd"), "crowd");
        Browser own = new Browser("10.0.6.1");
        own.signIn(email, PASSWORD);
        assertThat(own.cookies).containsKey("kassa_device");

        int refused = 0;
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> guess = new Browser("10.6." + (i / 200) + "." + (i % 200 + 1)).trySignIn(email, "guess " + i);
            refused += guess.statusCode() == 429 ? 1 : 0;
        }
        assertThat(refused).as("guesses of one e-mail from 30 addresses, past the unknown-browser bucket").isGreaterThanOrEqualTo(15);
        HttpResponse<String> stranger = new Browser("10.0.6.99").trySignIn(email, PASSWORD);
        assertThat(stranger.statusCode()).as("a browser that never signed in waits").isEqualTo(429);
        HttpResponse<String> back = own.trySignIn(email, PASSWORD);
        assertThat(back.statusCode()).as("the user's own browser signs in: %s", back.body()).isEqualTo(303);
    }

    @Test
    void a_crowd_of_new_browsers_meets_a_fixed_page_at_the_door_while_a_known_browser_signs_in() throws Exception {
        String email = user(merchant("door"), "door");
        Browser own = new Browser("10.0.8.1");
        own.signIn(email, PASSWORD);

        // 1,000 tries from 1,000 addresses, 40 at a time (the door lets 100 + 50 a second through: a machine would need 18 s
        // for them all to pass): past the door they are refused before their body is read.
        java.util.concurrent.ExecutorService crowd = java.util.concurrent.Executors.newFixedThreadPool(40);
        java.util.List<java.util.concurrent.Future<HttpResponse<String>>> tries = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String address = "10.8." + (i / 200) + "." + (i % 200 + 1);
            int n = i;
            tries.add(crowd.submit(() -> new Browser(address).postLogin("/dashboard/login",
                    Map.of("csrf", "crowdcrowdcrowdcrowd", "email", "guess-" + n + "@example.com", "password", "guess"))));
        }
        int atTheDoor = 0;
        for (var answer : tries) {
            HttpResponse<String> a = answer.get();
            assertThat(a.statusCode()).as(a.body()).isIn(200, 403, 429, 503);
            if (a.statusCode() == 503 && a.headers().firstValue("Retry-After").isPresent() && !a.body().contains("name=\"password\"")) {
                atTheDoor++;
            }
        }
        crowd.shutdown();
        assertThat(atTheDoor).as("tries refused with the fixed page").isGreaterThan(0);
        HttpResponse<String> back = own.trySignIn(email, PASSWORD);
        assertThat(back.statusCode()).as("the known browser, right after the crowd: %s", back.body()).isEqualTo(303);
        // The door's bucket refills (50 a second): a new browser gets in again, for the tests after this one.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> new Browser("10.0.8.2").trySignIn("nobody@example.com", "whatever password").statusCode() == 200);
    }

    @Test
    void an_over_long_e_mail_is_answered_before_any_limit_or_password_check() throws Exception {
        Browser browser = new Browser("10.0.7.1");
        for (int i = 0; i < 25; i++) {
            HttpResponse<String> answer = browser.trySignIn("a".repeat(10_000) + i + "@example.com", "whatever password");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("Wrong e-mail or password.");
        }
        // 25 tries from one address would have met the 20-a-minute client bucket had they counted.
        assertThat(browser.trySignIn("nobody@example.com", "whatever password").statusCode()).isEqualTo(200);
    }

    @Test
    void the_cookie_key_and_the_peer_token_come_from_the_gateways_secret_not_the_operator_token() throws Exception {
        String email = user(merchant("keys"), "keys");
        Browser browser = new Browser("10.0.9.1");
        browser.signIn(email, PASSWORD);
        // A gateway of the same deployment whose operator token was changed: the merchant stays signed in.
        try (GatewayServer rotated = GatewayServer.start(bootstrap, 0, "a-new-operator-token-after-rotation", "http://localhost:8080", true,
                Map.of("kassa.gateway.shared-secret", SHARED, "kassa.gateway.views-application-id", "dashboard-accounts-rotated"))) {
            assertThat(rotated.awaitReady(Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(rotated.url() + "/dashboard"))
                    .header("Cookie", "kassa_dashboard=" + browser.cookies.get("kassa_dashboard")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as("the same cookie on a gateway with a new operator token").isEqualTo(200);
        }
        // A gateway with another secret does not take it.
        try (GatewayServer other = GatewayServer.start(bootstrap, 0, ADMIN, "http://localhost:8080", true,
                Map.of("kassa.gateway.shared-secret", "another-deployment-secret-9a8b7c6d5e4f3a2b1c", "kassa.gateway.views-application-id",
                        "dashboard-accounts-other"))) {
            assertThat(other.awaitReady(Duration.ofSeconds(60))).isTrue();
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(other.url() + "/dashboard"))
                    .header("Cookie", "kassa_dashboard=" + browser.cookies.get("kassa_dashboard")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(303);
        }
        // The operator's token does not open the peers' view reads (it is never sent between gateways any more).
        HttpResponse<String> views = admin("GET", "/admin/views/sessions/1", "");
        assertThat(views.statusCode()).isEqualTo(401);
        assertThat(views.body()).contains("invalid_api_key");
    }

    @Test
    void a_session_or_product_not_the_merchants_answers_the_404_page_every_time_also_to_an_http2_upgrade() throws Exception {
        // The shape that once looped Micronaut (a returned 404 on a fresh HTTP/2-upgrading connection): thrown now, answered once.
        String email = user(merchant("not-found"), "not-found");
        Browser browser = new Browser("10.0.10.1");
        browser.signIn(email, PASSWORD);
        String csrf = browser.csrf("/dashboard/settings");
        String cookie = "kassa_dashboard=" + browser.cookies.get("kassa_dashboard");
        for (int i = 0; i < 20; i++) {
            for (String path : List.of("/dashboard/sessions/" + (900_000 + i), "/dashboard/sessions/" + (900_000 + i) + "/cancel",
                    "/dashboard/products/no-such-" + i)) {
                HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).followRedirects(HttpClient.Redirect.NEVER).build();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.gateway.url() + path)).timeout(Duration.ofSeconds(15))
                        .header("Cookie", cookie).header("X-Forwarded-For", "10.0.10.1");
                if (path.endsWith("/cancel") || (path.contains("/products/") && i % 2 == 1)) {
                    request.header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&name=x"));
                }
                HttpResponse<String> answer = h2c.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as("%s", path).isEqualTo(404);
                assertThat(answer.body()).contains("There is no such session among yours");
            }
        }
    }

    @Test
    void ipv6_clients_are_limited_per_64() {
        assertThat(ClientAddress.limitKey("2001:db8:1:2:aaaa::1")).isEqualTo(ClientAddress.limitKey("2001:db8:1:2:ffff:1:2:3"))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(ClientAddress.limitKey("2001:db8:1:3::1")).isNotEqualTo(ClientAddress.limitKey("2001:db8:1:2::1"));
        assertThat(ClientAddress.limitKey("192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(ClientAddress.limitKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
        assertThat(ClientAddress.limitKey("zz:not-an-address")).isEqualTo("zz:not-an-address");
    }

    // --- helpers ---

    private static long merchant(String name) throws Exception {
        HttpResponse<String> created = admin("POST", "/admin/merchants",
                "{\"email\":\"owner-" + name + "@example.com\",\"domains\":[\"" + name + ".example.com\"],\"package\":\"pro\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).get("merchant_id").asLong();
    }

    /** Invites a user and sets their password through the one-time link's page, as they would. */
    private static String user(long merchant, String name) throws Exception {
        String email = "clerk-" + name + "@example.com";
        HttpResponse<String> invited = admin("POST", "/admin/merchants/" + merchant + "/users", "{\"email\":\"" + email + "\"}");
        assertThat(invited.statusCode()).as(invited.body()).isEqualTo(201);
        URI link = URI.create(JSON.readTree(invited.body()).get("set_password_url").asText());
        Browser browser = new Browser("10.9.9.9");
        HttpResponse<String> page = browser.get(link.getPath() + "?" + link.getQuery());
        String token = link.getQuery().substring("token=".length());
        HttpResponse<String> set = browser.postLogin("/dashboard/set-password",
                Map.of("csrf", token(page.body()), "token", token, "password", PASSWORD, "confirm", PASSWORD));
        assertThat(set.statusCode()).as(set.body()).isEqualTo(303);
        return email;
    }

    private static String code(String base32Key, Instant at) throws Exception {
        TimeBasedOneTimePasswordGenerator totp = new TimeBasedOneTimePasswordGenerator(Duration.ofSeconds(30));
        String key = base32Key.replace(" ", "");
        byte[] raw = Base32.decode(key + "=".repeat((8 - key.length() % 8) % 8));
        return String.format(Locale.ROOT, "%06d", totp.generateOneTimePassword(new SecretKeySpec(raw, totp.getAlgorithm()), at));
    }

    private static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a csrf field in %s", html).isTrue();
        return m.group(1);
    }

    private static String field(String html, String name) {
        Matcher m = Pattern.compile("name=\"" + name + "\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a %s field in %s", name, html).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A browser: its cookies, and the address it comes from. */
    private static final class Browser {
        final Map<String, String> cookies = new LinkedHashMap<>();
        final String address;

        Browser(String address) {
            this.address = address;
        }

        void signIn(String email, String password) throws Exception {
            HttpResponse<String> answer = trySignIn(email, password);
            assertThat(answer.statusCode()).as("sign-in: %s", answer.body()).isEqualTo(303);
            assertThat(cookies).containsKey("kassa_dashboard");
        }

        HttpResponse<String> trySignIn(String email, String password) throws Exception {
            get("/dashboard/login");
            return postLogin("/dashboard/login", Map.of("email", email, "password", password));
        }

        /** A post of a sign-in page's form: its CSRF token is the one in the login cookie (double submit). */
        HttpResponse<String> postLogin(String path, Map<String, String> form) throws Exception {
            Map<String, String> withToken = new LinkedHashMap<>(form);
            withToken.putIfAbsent("csrf", cookies.get("kassa_login_csrf"));
            return post(path, withToken);
        }

        String csrf(String page) throws Exception {
            HttpResponse<String> answer = get(page);
            assertThat(answer.statusCode()).as("GET %s", page).isEqualTo(200);
            return token(answer.body());
        }

        HttpResponse<String> get(String path) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(stack.gateway.url() + path)).GET());
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            StringJoiner body = new StringJoiner("&");
            form.forEach((k, v) -> body.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
            return send(HttpRequest.newBuilder(URI.create(stack.gateway.url() + path))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
            request.timeout(Duration.ofSeconds(30)).header("X-Forwarded-For", address);
            if (!cookies.isEmpty()) {
                StringJoiner cookie = new StringJoiner("; ");
                cookies.forEach((k, v) -> cookie.add(k + "=" + v));
                request.header("Cookie", cookie.toString());
            }
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : answer.headers().allValues("Set-Cookie")) {
                String pair = set.split(";", 2)[0];
                String name = pair.substring(0, pair.indexOf('='));
                String value = pair.substring(pair.indexOf('=') + 1);
                if (value.isEmpty() || set.contains("Max-Age=0")) {
                    cookies.remove(name);
                } else {
                    cookies.put(name, value);
                }
            }
            return answer;
        }
    }
}
