package dev.kassa.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Signs a bench user in to the dashboard the way a person does (invite, set password, sign in): its session cookie. */
final class DashboardLogin {

    private DashboardLogin() {
    }

    static String cookie(HttpClient http, String base, String adminToken, long merchantId) throws Exception {
        String email = "bench-" + System.nanoTime() + "@bench.example";
        var invited = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/admin/merchants/" + merchantId + "/users"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\"}")).build(), HttpResponse.BodyHandlers.ofString()).body());
        String link = invited.get("set_password_url").asText();
        String token = link.substring(link.indexOf("token=") + 6);
        String csrf = csrf(http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/set-password?token=" + token)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
        String password = "bench-password-" + System.nanoTime();
        http.send(form(base + "/dashboard/set-password", csrf, "token=" + token + "&password=" + password + "&confirm=" + password),
                HttpResponse.BodyHandlers.ofString());
        String loginCsrf = csrf(http.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
        HttpResponse<String> signedIn = http.send(form(base + "/dashboard/login", loginCsrf,
                "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password=" + password),
                HttpResponse.BodyHandlers.ofString());
        return signedIn.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("kassa_dashboard="))
                .map(c -> c.substring("kassa_dashboard=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("the bench user could not sign in: HTTP " + signedIn.statusCode()));
    }

    private static String csrf(HttpResponse<String> page) {
        return page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("kassa_login_csrf="))
                .map(c -> c.substring("kassa_login_csrf=".length(), c.indexOf(';'))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no form token from " + page.uri()));
    }

    private static HttpRequest form(String url, String csrf, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", "kassa_login_csrf=" + csrf).POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf + "&" + body)).build();
    }
}
