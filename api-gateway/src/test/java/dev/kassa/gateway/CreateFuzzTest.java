package dev.kassa.gateway;

import dev.kassa.gateway.shared.Json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kassa.aggregate.app.AggregateService;
import dev.kassa.localkafka.KafkaCluster;
import dev.kassa.localkafka.KafkaExtension;
import dev.kassa.schemas.TopicLayout;
import dev.kassa.schemas.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random create requests (jqwik's generators, a fixed seed's worth of samples per run): bodies built from plausible
 * and hostile field values, with and without each auth header. Never a 5xx; every refusal a documented code.
 */
@ExtendWith(KafkaExtension.class)
class CreateFuzzTest {

    private static final Set<String> DOCUMENTED = Set.of("missing_api_key", "invalid_api_key", "merchant_disabled", "invalid_json",
            "invalid_domain", "domain_not_allowed", "invalid_amount", "invalid_currency", "invalid_email", "rate_limited", "missing_field",
            "not_found", "invalid_transition", "idempotency_conflict", "invalid_meta", "invalid_idempotency_key", "unsupported_media_type",
            "body_too_large", "method_not_allowed", "invalid_order_id", "invalid_return_url", "invalid_cancel_url", "invalid_routing_hint");

    @Test
    void no_create_request_gets_a_5xx_or_an_undocumented_code(KafkaCluster kafka) throws Exception {
        try (var admin = kafka.admin()) {
            new TopicProvisioner(admin, TopicLayout.SINGLE_NODE).ensure();
        }
        AggregateService.Config d = AggregateService.Config.defaults(kafka.bootstrapServers(), Files.createTempDirectory("fuzz-agg"));
        try (AggregateService aggregate = AggregateService.start(new AggregateService.Config(d.kafka(), "fuzz-" + System.nanoTime(),
                d.stateDir(), d.commitInterval(), 0, d.settings(), Map.of()));
             GatewayServer gateway = GatewayServer.start(kafka.bootstrapServers(), 0, "fuzz-admin", "http://localhost", true,
                     Map.of("kassa.gateway.rate-per-second", 10_000, "kassa.gateway.rate-burst", 10_000))) {
            aggregate.awaitRunning(Duration.ofSeconds(60));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> merchant = http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/admin/merchants"))
                    .header("Authorization", "Bearer fuzz-admin").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"f@example.com\",\"domains\":[\"fuzz.example\"],\"package\":\"pro\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String key = Json.MAPPER.readTree(merchant.body()).get("api_key").asText();

            Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.of("", " ", "null", "0", "-1", "1e309", "79.00", "79.001", "EUR", "eur",
                    "XXX", "fuzz.example", "https://www.FUZZ.example:1/x", "evil.example", "a@b.co", "not-an-email", "\u0000", "\"",
                    "{}", "[]", "4242424242424242", "x".repeat(300)), Arbitraries.strings().ofMaxLength(40));
            Arbitrary<String> value = Arbitraries.oneOf(text.map(t -> Json.MAPPER.valueToTree(t).toString()),
                    Arbitraries.of("null", "true", "12", "-3.5", "[]", "{}", "{\"a\":1}"));
            Arbitrary<String> field = Arbitraries.of("domain", "amount", "currency", "order_id", "merchant_ref", "customer_email",
                    "return_url", "cancel_url", "meta", "method", "provider");
            Arbitrary<String> object = Combinators.combine(field, value).as((f, v) -> "\"" + f + "\":" + v).list().ofMaxSize(8)
                    .map(fields -> "{" + String.join(",", fields) + "}");
            Arbitrary<String> body = Arbitraries.oneOf(object, object, text);
            Arbitrary<String> auth = Arbitraries.of("bearer", "x-api-key", "none", "wrong", "lowercase-bearer");

            List<String> bodies = body.sampleStream().limit(250).toList();
            List<String> auths = auth.sampleStream().limit(250).toList();
            for (int i = 0; i < bodies.size(); i++) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + "/gateway/session.php"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)));
                switch (auths.get(i)) {
                    case "bearer" -> request.header("Authorization", "Bearer " + key);
                    case "x-api-key" -> request.header("X-API-Key", key);
                    case "wrong" -> request.header("Authorization", "Bearer " + key + "x");
                    case "lowercase-bearer" -> request.header("Authorization", "bearer " + key);
                    default -> { }
                }
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s -> %s", bodies.get(i), response.body()).isLessThan(500);
                JsonNode answer = Json.MAPPER.readTree(response.body());
                if (response.statusCode() != 200) {
                    assertThat(answer.get("ok").asBoolean()).isFalse();
                    assertThat(DOCUMENTED).as("%s -> %s", bodies.get(i), response.body()).contains(answer.get("error").asText());
                } else {
                    assertThat(answer.get("session_id").asLong()).isPositive();
                }
            }
        }
    }
}
