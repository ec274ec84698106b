package dev.kassa.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.gateway.shared.Json;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.model.ErrorCode;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import io.micronaut.web.router.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document the gateway serves describes what it really answers: every merchant endpoint is in it, every
 * error code with its status, and real answers (successes and errors, over real HTTP with the real aggregate)
 * validate against the schema documented for their path, method and status — with no field undocumented.
 */
@ExtendWith(KafkaExtension.class)
class OpenApiTest {

    private static final String ADMIN = "admin-test-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static AggregateService aggregate;
    private static GatewayServer gateway;
    private static String apiKey;
    private static JsonNode document;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config defaults = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("oa-agg"));
        aggregate = AggregateService.start(new AggregateService.Config(defaults.kafka(), "openapi-test-" + System.nanoTime(),
                defaults.stateDir(), defaults.commitInterval(), 0, defaults.settings(), Map.of()));
        aggregate.awaitRunning(Duration.ofSeconds(60));
        gateway = GatewayServer.start(kafka.bootstrapServers(), 0, ADMIN, "http://localhost:8080", true);
        HttpResponse<String> created = send("POST", "/admin/merchants", "Bearer " + ADMIN, """
                {"email": "docs@example.com", "domains": ["yourshop.com"], "package": "pro", "checkout_mode": "smart_router", "country": "nl"}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        apiKey = Json.MAPPER.readTree(created.body()).get("api_key").asText();
        HttpResponse<String> yml = send("GET", "/openapi.yml", null, null);
        assertThat(yml.statusCode()).isEqualTo(200);
        assertThat(yml.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
        document = YAML.readTree(yml.body());
    }

    @AfterAll
    static void stop() {
        gateway.close();
        aggregate.close();
    }

    @Test
    void the_document_describes_every_merchant_endpoint_and_nothing_of_the_operator() {
        assertThat(document.get("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        document.get("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).containsExactlyInAnyOrder("/gateway/session.php", "/gateway/status.php", "/gateway/session_status.php",
                "/gateway/me.php", "/gateway/cancel.php", "/gateway/refund.php", "/gateway/session_events.php",
                "/gateway/webhook_attempts.php", "/gateway/sessions.php", "/gateway/payment_links.php", "/gateway/events.php",
                "/gateway/review.php");
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(document.at("/components/securitySchemes/apiKey/name").asText()).isEqualTo("X-API-Key");
    }

    @Test
    void every_error_code_of_the_catalogue_is_listed_with_its_status() {
        JsonNode codes = document.get("x-error-codes");
        assertThat(codes).hasSize(ErrorCode.values().length);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(codes).as(code.code()).anySatisfy(c -> {
                assertThat(c.get("code").asText()).isEqualTo(code.code());
                assertThat(c.get("status").asInt()).isEqualTo(code.httpStatus());
                assertThat(c.get("meaning").asText()).isEqualTo(code.meaning());
            });
        }
    }

    @Test
    void real_answers_validate_against_the_documented_schemas() throws Exception {
        HttpResponse<String> created = merchant("POST", "/gateway/session.php", """
                {"domain": "yourshop.com", "order_id": "DOC-1", "amount": "79.00", "currency": "EUR", "provider": "card",
                 "customer_email": "buyer@example.com", "meta": {"cart": {"items": 2}}}""");
        assertConforms("/gateway/session.php", "post", created, 200);
        long id = Json.MAPPER.readTree(created.body()).get("session_id").asLong();

        assertConforms("/gateway/status.php", "get", merchant("GET", "/gateway/status.php?session_id=" + id, null), 200);
        assertConforms("/gateway/session_status.php", "get", merchant("GET", "/gateway/session_status.php?order_id=DOC-1", null), 200);
        assertConforms("/gateway/me.php", "get", merchant("GET", "/gateway/me.php", null), 200);
        assertConforms("/gateway/cancel.php", "post", merchant("POST", "/gateway/cancel.php", "{\"session_id\": " + id + "}"), 200);
        assertConforms("/gateway/refund.php", "post", merchant("POST", "/gateway/refund.php", "{\"session_id\": " + id + "}"), 409);
        assertConforms("/gateway/session_events.php", "get", merchant("GET", "/gateway/session_events.php?session_id=" + id, null), 200);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                Json.MAPPER.readTree(merchant("GET", "/gateway/sessions.php?limit=5", null).body()).path("sessions").size() > 0);
        assertConforms("/gateway/sessions.php", "get", merchant("GET", "/gateway/sessions.php?limit=5", null), 200);
        assertConforms("/gateway/sessions.php", "get", merchant("GET", "/gateway/sessions.php?limit=0", null), 400);

        assertConforms("/gateway/events.php", "get", merchant("GET", "/gateway/events.php?limit=5", null), 200);
        assertConforms("/gateway/events.php", "get", merchant("GET", "/gateway/events.php?after=nope", null), 400);
        assertThat(document.get("webhooks")).as("a webhook per type").hasSize(dev.kassa.model.WebhookTypes.CATALOGUE.size());
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertConforms("/gateway/session.php", "post", send("POST", "/gateway/session.php", null, "{}"), 401);
        assertConforms("/gateway/session.php", "post", merchant("POST", "/gateway/session.php", "{\"domain\":"), 400);
        assertConforms("/gateway/session.php", "post", merchant("POST", "/gateway/session.php",
                "{\"domain\": \"evil.example\", \"order_id\": \"o\", \"amount\": \"1.00\", \"currency\": \"EUR\"}"), 403);
        assertConforms("/gateway/status.php", "get", merchant("GET", "/gateway/status.php?session_id=12345", null), 404);
        assertConforms("/gateway/review.php", "post", merchant("POST", "/gateway/review.php", "{\"session_id\": " + id
                + ", \"decision\": \"approve\"}"), 409);
    }

    @Test
    void the_docs_page_loads_swagger_ui_from_this_server_under_a_strict_policy() throws Exception {
        HttpResponse<String> page = send("GET", "/docs", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/docs/assets/swagger-ui-bundle.js").contains("/openapi.yml").doesNotContain("https://");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").doesNotContain("unsafe-eval"));
        assertThat(send("GET", "/docs/assets/swagger-ui-bundle.js", null, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/docs/assets/init.js", null, null).body()).contains("'/openapi.yml'");
        HttpResponse<String> other = send("GET", "/docs/assets/..%2F..%2Fapplication.yml", null, null);
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void the_operator_api_has_a_document_of_its_own_with_every_admin_route() throws Exception {
        JsonNode operator = operatorDocument();
        assertThat(operator.at("/info/title").asText()).isEqualTo("Kassa operator API");
        assertThat(operator.at("/components/securitySchemes/adminToken/scheme").asText()).isEqualTo("bearer");
        Set<String> documented = new TreeSet<>();
        operator.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        // Every operator route the running gateway has (but the document itself and the views' gateway-to-gateway reads).
        Set<String> routes = new TreeSet<>();
        gateway.bean(Router.class).uriRoutes().forEach(r -> {
            String path = r.getUriMatchTemplate().toPathString();
            if (path.startsWith("/admin/") && !path.startsWith("/admin/views") && !path.equals("/admin/openapi.yml")
                    && !r.getHttpMethodName().equals("HEAD")) { // Micronaut answers HEAD for every GET by itself
                routes.add(r.getHttpMethodName() + " " + path);
            }
        });
        assertThat(routes).as("the operator's routes").hasSizeGreaterThanOrEqualTo(18);
        assertThat(documented).isEqualTo(routes);
    }

    @Test
    void real_operator_answers_validate_against_its_documented_schemas() throws Exception {
        JsonNode operator = operatorDocument();
        String admin = "Bearer " + ADMIN;
        HttpResponse<String> created = send("POST", "/admin/merchants", admin, "{\"email\": \"ops-docs@example.com\", \"domains\": [\"ops.example\"]}");
        assertOperator(operator, "/admin/merchants", "post", created, 201);
        long merchant = Json.MAPPER.readTree(created.body()).get("merchant_id").asLong();
        String m = "/admin/merchants/" + merchant;
        assertOperator(operator, "/admin/merchants/{merchantId}", "patch",
                send("PATCH", m, admin, "{\"rotate_webhook_secret\": true}"), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}", "patch", send("PATCH", m, admin, "{\"session_ttl_seconds\": 600}"), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}/api-keys", "post", send("POST", m + "/api-keys", admin, "{}"), 201);
        assertOperator(operator, "/admin/merchants/{merchantId}/users", "post",
                send("POST", m + "/users", admin, "{\"email\": \"ops-user@example.com\"}"), 201);
        assertOperator(operator, "/admin/merchants/{merchantId}/users/{email}", "delete",
                send("DELETE", m + "/users/ops-user@example.com", admin, null), 200);
        HttpResponse<String> endpoint = send("POST", m + "/webhook-endpoints", admin, "{\"url\": \"https://ops.example/hooks\"}");
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints", "post", endpoint, 201);
        String endpointId = Json.MAPPER.readTree(endpoint.body()).get("endpoint_id").asText();
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints", "get", send("GET", m + "/webhook-endpoints", admin, null), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints/{endpointId}", "patch",
                send("PATCH", m + "/webhook-endpoints/" + endpointId, admin, "{\"max_per_second\": 5}"), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints/{endpointId}/test", "post",
                send("POST", m + "/webhook-endpoints/" + endpointId + "/test", admin, null), 202);
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints/{endpointId}/attempts", "get",
                send("GET", m + "/webhook-endpoints/" + endpointId + "/attempts", admin, null), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}/webhook-endpoints/{endpointId}", "delete",
                send("DELETE", m + "/webhook-endpoints/" + endpointId, admin, null), 200);
        assertOperator(operator, "/admin/merchants/{merchantId}/products", "post", send("POST", m + "/products", admin,
                "{\"slug\": \"ops-docs-mug\", \"name\": \"Mug\", \"amount\": \"9.00\", \"currency\": \"EUR\"}"), 201);
        assertOperator(operator, "/admin/merchants/{merchantId}/products", "get", send("GET", m + "/products", admin, null), 200);
        long session = Json.MAPPER.readTree(merchant("POST", "/gateway/session.php", """
                {"domain": "yourshop.com", "order_id": "OPS-1", "amount": "5.00", "currency": "EUR"}""").body()).get("session_id").asLong();
        String history = "/admin/sessions/{sessionId}/history";
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> send("GET", "/admin/sessions/" + session + "/history", admin, null).statusCode() == 200);
        assertOperator(operator, history, "get", send("GET", "/admin/sessions/" + session + "/history", admin, null), 200);
        assertOperator(operator, history, "get", send("GET", "/admin/sessions/" + session + "/history?at=2020-01-01T00:00:00Z", admin, null), 200);
        assertOperator(operator, "/admin/webhooks/redeliver", "post",
                send("POST", "/admin/webhooks/redeliver", admin, "{\"session_id\": " + session + "}"), 200);
    }

    private static JsonNode operatorDocument() throws Exception {
        HttpResponse<String> yml = send("GET", "/admin/openapi.yml", null, null);
        assertThat(yml.statusCode()).isEqualTo(200);
        return YAML.readTree(yml.body());
    }

    private static void assertOperator(JsonNode operator, String path, String method, HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(status);
        assertThat(violations(operator, path, method, status, Json.MAPPER.readTree(response.body())))
                .as("%s %s answered %s", method, path, response.body()).isEmpty();
    }

    /** Validates {@code response}'s body against the schema documented for this path, method and status. */
    private static void assertConforms(String path, String method, HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(violations(path, method, status, Json.MAPPER.readTree(response.body()))).as("%s %s answered %s", method, path,
                response.body()).isEmpty();
    }

    @Test
    void the_check_itself_refuses_an_undocumented_field_a_missing_one_and_a_wrong_type() throws Exception {
        ObjectNode answer = (ObjectNode) Json.MAPPER.readTree(merchant("GET", "/gateway/me.php", null).body());
        assertThat(violations("/gateway/me.php", "get", 200, answer)).isEmpty();
        assertThat(violations("/gateway/me.php", "get", 200, answer.deepCopy().put("surprise", 1))).isNotEmpty();
        ObjectNode missing = answer.deepCopy();
        missing.remove("merchant_id");
        assertThat(violations("/gateway/me.php", "get", 200, missing)).isNotEmpty();
        assertThat(violations("/gateway/me.php", "get", 200, answer.deepCopy().put("ok", "yes"))).isNotEmpty();
    }

    private static Set<ValidationMessage> violations(String path, String method, int status, JsonNode body) {
        return violations(document, path, method, status, body);
    }

    private static Set<ValidationMessage> violations(JsonNode document, String path, String method, int status, JsonNode body) {
        JsonNode operation = document.get("paths").get(path).get(method);
        JsonNode documented = operation.get("responses").get(Integer.toString(status));
        assertThat(documented).as("status %d of %s %s is documented", status, method, path).isNotNull();
        JsonNode schema = documented.at("/content/application~1json/schema");
        assertThat(schema.isMissingNode()).as("a schema for %d of %s %s", status, method, path).isFalse();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("components", strict(document.get("components").deepCopy()));
        root.setAll((ObjectNode) strict(schema.deepCopy()));
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(root);
        return validator.validate(body);
    }

    /**
     * OpenAPI 3.0's schema dialect as JSON Schema: {@code nullable: true} becomes a type that admits null, and an
     * object with documented properties admits no others (an undocumented field fails the test).
     */
    private static JsonNode strict(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.path("nullable").asBoolean(false) && object.has("type")) {
                ArrayNode types = JsonNodeFactory.instance.arrayNode().add(object.get("type").asText()).add("null");
                object.set("type", types);
            }
            object.remove("nullable");
            if (object.has("properties") && !object.has("additionalProperties")) {
                object.put("additionalProperties", false);
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
                strict(fields.next().getValue());
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(OpenApiTest::strict);
        }
        return node;
    }

    private static HttpResponse<String> merchant(String method, String path, String body) throws Exception {
        return send(method, path, "Bearer " + apiKey, body);
    }

    private static HttpResponse<String> send(String method, String path, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
