package dev.kassa.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.WebhookEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Webhook endpoints without a broker, as typed commands: the first endpoint is the seed's {@code webhook_url}, later
 * ones are kept beside it; a refused change writes nothing. The operator API and the dashboard reach the same code over
 * HTTP in WebhookEndpointsApiTest and DashboardAccountsTest.
 */
class WebhookEndpointChangesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final InMemoryRecords records = new InMemoryRecords();
    private final WebhookEndpointChanges endpoints = new WebhookEndpointChanges(records, new GatewaySettings("localhost:9092",
            "admin-token-for-tests", "http://localhost", true, 50, 100, 100, 200, false, Duration.ofSeconds(5), 0, "", "",
            "kassa-gateway-views", "", "localhost", Duration.ofDays(90), 0, ""),
            new SessionCommands(Clock.fixed(NOW, ZoneOffset.UTC)), SecretKeyring.NONE);

    WebhookEndpointChangesTest() {
        records.byId.put(7L, Merchant.newBuilder().setMerchantId(7).setEmail("m7@example.com").setApiKeyHash("sha256:k")
                .setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                .setCreatedAt(NOW).setUpdatedAt(NOW).build());
    }

    @Test
    void the_first_endpoint_is_the_seeds_webhook_url_and_the_second_is_kept_beside_it() throws Exception {
        EndpointSpec.Secret first = endpoints.add(7, new EndpointSpec("https://shop.example/hooks", null, null, null));
        EndpointSpec.Secret second = endpoints.add(7, new EndpointSpec("https://erp.shop.example/in",
                List.of("Checkout.Session.Paid", "refund.*", "refund.*"), "ERP", 50));

        Merchant written = records.byId.get(7L);
        assertThat(written.getWebhookUrl()).isEqualTo("https://shop.example/hooks");
        assertThat(written.getWebhookEventFilter()).containsExactly("*");
        assertThat(first.secret()).startsWith("whsec_");
        assertThat(first.toString()).doesNotContain(first.secret());
        WebhookEndpoint kept = written.getWebhookEndpoints().get(0);
        assertThat(kept.getUrl()).isEqualTo("https://erp.shop.example/in");
        assertThat(kept.getEventFilter()).as("lower case, once each").containsExactly("checkout.session.paid", "refund.*");
        assertThat(kept.getDescription()).isEqualTo("ERP");
        assertThat(kept.getMaxPerSecond()).isEqualTo(50);
        assertThat(second.secret()).isNotEqualTo(first.secret());
    }

    @Test
    void a_patch_changes_what_it_names_and_resets_what_it_names_null() throws Exception {
        String first = endpoints.add(7, new EndpointSpec("https://shop.example/hooks", null, null, null)).endpointId();
        String second = endpoints.add(7, new EndpointSpec("https://erp.shop.example/in2", List.of("paid"), "ERP", 50)).endpointId();

        EndpointSpec.Secret rotated = endpoints.update(7, second, new EndpointSpec.Patch(null, new MerchantPatch.Value<>(null),
                null, new MerchantPatch.Value<>(null), false, true, false));

        WebhookEndpoint changed = records.byId.get(7L).getWebhookEndpoints().stream()
                .filter(e -> e.getUrl().endsWith("/in2")).findFirst().orElseThrow();
        assertThat(changed.getEventFilter()).as("null: every event").containsExactly("*");
        assertThat(changed.getMaxPerSecond()).as("null: no throttle").isNull();
        assertThat(changed.getDescription()).as("not named: unchanged").isEqualTo("ERP");
        assertThat(changed.getEnabled()).isFalse();
        assertThat(changed.getPreviousSecretUntil()).as("the old secret signs for a day").isEqualTo(NOW.plusSeconds(86_400));
        assertThat(rotated.secret()).startsWith("whsec_");
        assertThat(records.byId.get(7L).getWebhookUrl()).as("the other endpoint is untouched").isEqualTo("https://shop.example/hooks");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void a_bad_value_refuses_the_change_and_nothing_is_written() throws Exception {
        endpoints.add(7, new EndpointSpec("https://shop.example/hooks", null, null, null));
        int writes = records.writes.size();
        assertThatThrownBy(() -> endpoints.add(7, new EndpointSpec("https://shop.example/b", List.of("paid", "shipped"), null, null)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_event_filter"));
        assertThatThrownBy(() -> endpoints.add(7, new EndpointSpec("https://shop.example/b", List.of(), null, null)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_event_filter"));
        assertThatThrownBy(() -> endpoints.add(7, new EndpointSpec("https://shop.example/b", null, "x".repeat(256), null)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_description"));
        assertThatThrownBy(() -> endpoints.add(7, new EndpointSpec("https://shop.example/b", null, null, 10_001)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_max_per_second"));
        assertThatThrownBy(() -> endpoints.add(7, new EndpointSpec(null, null, null, null)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("missing_field"));
        assertThatThrownBy(() -> endpoints.update(7, "ep_nope", new EndpointSpec.Patch(null, null, null, null, true, false, false)))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(records.writes).hasSize(writes);
    }
}
