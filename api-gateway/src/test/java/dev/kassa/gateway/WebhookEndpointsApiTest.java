package dev.kassa.gateway;

import dev.kassa.gateway.shared.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The operator's webhook-endpoint API over real HTTP (SPEC.md, "Webhook endpoints"): bad input is a 400 with its code
 * and nothing stored; at most 10 endpoints; secrets shown once, never listed; rotation, disabling, deleting; a
 * production gateway takes https only and never a refused address, a development one also http to loopback.
 */
@ExtendWith(KafkaExtension.class)
class WebhookEndpointsApiTest {

    private static final String ADMIN = "endpoints-api-admin-token";
    private static GatewayServer production;
    private static GatewayServer development;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        production = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "https://pay.example", false);
        development = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true);
    }

    @AfterAll
    static void stop() {
        production.close();
        development.close();
    }

    private static long merchant(GatewayServer gateway) throws Exception {
        HttpResponse<String> created = send(gateway, "POST", "/admin/merchants",
                "{\"email\":\"w@example.com\",\"domains\":[\"shop.example\"],\"package\":\"pro\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Json.MAPPER.readTree(created.body()).get("merchant_id").asLong();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not http(s)                 | {"url":"ftp://hooks.example/x"}                               | invalid_webhook_url
            http in production          | {"url":"http://hooks.example/x"}                              | invalid_webhook_url
            a private address           | {"url":"https://10.1.2.3/x"}                                  | invalid_webhook_url
            the metadata address        | {"url":"https://169.254.169.254/latest"}                      | invalid_webhook_url
            loopback in production      | {"url":"https://127.0.0.1/x"}                                 | invalid_webhook_url
            localhost in production     | {"url":"https://localhost/x"}                                 | invalid_webhook_url
            an IPv6 loopback            | {"url":"https://[::1]/x"}                                     | invalid_webhook_url
            user info                   | {"url":"https://user:pw@hooks.example/x"}                     | invalid_webhook_url
            no url                      | {"event_filter":["paid"]}                                     | missing_field
            an unknown status           | {"url":"https://hooks.example/x","event_filter":["shipped"]} | invalid_event_filter
            an empty filter             | {"url":"https://hooks.example/x","event_filter":[]}          | invalid_event_filter
            a filter that is no list    | {"url":"https://hooks.example/x","event_filter":"paid"}      | invalid_event_filter
            a throttle of 0             | {"url":"https://hooks.example/x","max_per_second":0}         | invalid_max_per_second
            a throttle of 1.5           | {"url":"https://hooks.example/x","max_per_second":1.5}       | invalid_max_per_second
            a description of a number   | {"url":"https://hooks.example/x","description":7}            | invalid_description
            """)
    void bad_input_is_a_400_with_its_code_and_nothing_is_stored(String name, String body, String code) throws Exception {
        long merchant = merchant(production);
        HttpResponse<String> refused = send(production, "POST", "/admin/merchants/" + merchant + "/webhook-endpoints", body);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        assertThat(Json.MAPPER.readTree(refused.body()).get("error").asText()).isEqualTo(code);
        assertThat(list(production, merchant).get("endpoints")).isEmpty();
    }

    @Test
    void a_url_longer_than_2048_characters_is_refused() throws Exception {
        long merchant = merchant(production);
        String url = "https://hooks.example/" + "a".repeat(2048);
        HttpResponse<String> refused = send(production, "POST", "/admin/merchants/" + merchant + "/webhook-endpoints",
                "{\"url\":\"" + url + "\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_webhook_url").contains("2048");
    }

    @Test
    void development_takes_http_to_loopback_but_still_not_a_private_address() throws Exception {
        long merchant = merchant(development);
        String path = "/admin/merchants/" + merchant + "/webhook-endpoints";
        assertThat(send(development, "POST", path, "{\"url\":\"http://127.0.0.1:9/hook\"}").statusCode()).isEqualTo(201);
        assertThat(send(development, "POST", path, "{\"url\":\"http://192.168.1.10/hook\"}").body()).contains("invalid_webhook_url");
    }

    @Test
    void ten_endpoints_at_most_secrets_shown_once_and_the_first_is_the_merchants_webhook_url() throws Exception {
        long merchant = merchant(production);
        String path = "/admin/merchants/" + merchant + "/webhook-endpoints";
        String firstSecret = null;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> added = send(production, "POST", path, "{\"url\":\"https://hooks.example/" + i + "\",\"event_filter\":[\"paid\",\"refunded\"]}");
            assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
            JsonNode answer = Json.MAPPER.readTree(added.body());
            assertThat(answer.get("secret").asText()).startsWith("whsec_");
            if (i == 0) {
                assertThat(answer.get("endpoint_id").asText()).isEqualTo("we_" + merchant);
                firstSecret = answer.get("secret").asText();
            }
        }
        HttpResponse<String> eleventh = send(production, "POST", path, "{\"url\":\"https://hooks.example/10\"}");
        assertThat(eleventh.statusCode()).isEqualTo(400);
        assertThat(eleventh.body()).contains("too_many_webhook_endpoints");

        JsonNode listed = list(production, merchant);
        assertThat(listed.get("endpoints")).hasSize(10);
        assertThat(listed.toString()).doesNotContain(firstSecret).doesNotContain("whsec_");
        assertThat(listed.get("endpoints").get(0).get("first").asBoolean()).isTrue();
        assertThat(listed.get("endpoints").get(0).get("url").asText()).isEqualTo("https://hooks.example/0");
        assertThat(listed.get("endpoints").get(1).get("event_filter").toString()).isEqualTo("[\"paid\",\"refunded\"]");

        // The seed's PATCH on the merchant still changes the first endpoint.
        assertThat(send(production, "PATCH", "/admin/merchants/" + merchant, "{\"webhook_url\":\"https://hooks.example/new\"}").statusCode())
                .isEqualTo(200);
        assertThat(list(production, merchant).get("endpoints").get(0).get("url").asText()).isEqualTo("https://hooks.example/new");

        // Rotate, disable, delete one of the others.
        String other = listed.get("endpoints").get(3).get("endpoint_id").asText();
        JsonNode rotated = Json.MAPPER.readTree(send(production, "PATCH", path + "/" + other, "{\"rotate_secret\":true,\"enabled\":false,\"max_per_second\":20}").body());
        assertThat(rotated.get("secret").asText()).startsWith("whsec_");
        JsonNode changed = list(production, merchant).get("endpoints").get(3);
        assertThat(changed.get("enabled").asBoolean()).isFalse();
        assertThat(changed.get("disabled_reason").asText()).isEqualTo("disabled by the operator");
        assertThat(changed.get("max_per_second").asInt()).isEqualTo(20);
        assertThat(send(production, "DELETE", path + "/" + other, "").statusCode()).isEqualTo(200);
        assertThat(list(production, merchant).get("endpoints")).hasSize(9);
        assertThat(send(production, "PATCH", path + "/" + other, "{\"enabled\":true}").statusCode()).isEqualTo(404);
        assertThat(send(production, "PATCH", path + "/we_nothing", "{\"enabled\":true}").statusCode()).isEqualTo(404);
    }

    @Test
    void a_merchants_retry_schedule_is_checked() throws Exception {
        long merchant = merchant(production);
        HttpResponse<String> bad = send(production, "PATCH", "/admin/merchants/" + merchant, "{\"webhook_retry_schedule\":\"5s,soon\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("invalid_retry_schedule").contains("soon");
        assertThat(send(production, "PATCH", "/admin/merchants/" + merchant, "{\"webhook_retry_schedule\":\"5s,30s,2m\"}").statusCode())
                .isEqualTo(200);
        assertThat(list(production, merchant).get("retry_schedule").asText()).isEqualTo("5s,30s,2m");
    }

    @Test
    void only_the_operator_manages_endpoints() throws Exception {
        long merchant = merchant(production);
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(production.url() + "/admin/merchants/" + merchant + "/webhook-endpoints")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static JsonNode list(GatewayServer gateway, long merchant) throws Exception {
        HttpResponse<String> listed = send(gateway, "GET", "/admin/merchants/" + merchant + "/webhook-endpoints", null);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        return Json.MAPPER.readTree(listed.body());
    }

    private static HttpResponse<String> send(GatewayServer gateway, String method, String path, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
