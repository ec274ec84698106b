package dev.kassa.gateway.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kassa.gateway.kafka.MerchantRecords;
import dev.kassa.gateway.shared.ApiError;
import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.Secrets;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Collect;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Merchant changes without a broker: the merchant records are an in-memory {@link MerchantRecords}, so what a change
 * writes, and that a refused change writes nothing, is seen directly. The operator API and the dashboard reach the same
 * code over HTTP in GatewayTest and DashboardAccountsTest.
 */
class MerchantChangesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final InMemoryRecords records = new InMemoryRecords();
    private final MerchantChanges changes = new MerchantChanges(records, settings(),
            new SessionCommands(Clock.fixed(NOW, ZoneOffset.UTC)), SecretKeyring.NONE);

    MerchantChangesTest() {
        records.byId.put(7L, Merchant.newBuilder().setMerchantId(7).setEmail("m7@example.com").setApiKeyHash("sha256:old")
                .setDomains(List.of("shop.example")).setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                .setCreatedAt(NOW.minusSeconds(86_400)).setUpdatedAt(NOW.minusSeconds(86_400)).build());
    }

    @Test
    void a_rotated_key_replaces_the_hash_and_keeps_the_old_one_for_the_overlap() throws Exception {
        KeyRotation.RotatedKey answer = changes.rotateKey(7, new KeyRotation(null));

        Merchant written = records.byId.get(7L);
        assertThat(records.fencedChanges).isEqualTo(1);
        assertThat(written.getApiKeyHash()).isEqualTo(Secrets.hash(answer.apiKey())).isNotEqualTo("sha256:old");
        assertThat(written.getPreviousApiKeyHash()).isEqualTo("sha256:old");
        assertThat(written.getPreviousApiKeyUntil()).isEqualTo(NOW.plusSeconds(86_400));
        assertThat(answer.previousKeyExpiresAt()).isEqualTo(NOW.plusSeconds(86_400));
        assertThat(answer.toString()).as("the key is never in a log line").doesNotContain(answer.apiKey());
        assertThat(written.getUpdatedAt()).isEqualTo(NOW);
    }

    @Test
    void an_overlap_of_zero_revokes_the_old_key_at_once() throws Exception {
        changes.rotateKey(7, new KeyRotation(0L));

        assertThat(records.byId.get(7L).getPreviousApiKeyHash()).isNull();
        assertThat(records.byId.get(7L).getPreviousApiKeyUntil()).isNull();
    }

    @Test
    void a_bad_overlap_is_refused_with_its_code_and_nothing_is_written() {
        for (long overlap : List.of(-1L, 2_592_001L)) {
            assertThatThrownBy(() -> changes.rotateKey(7, new KeyRotation(overlap)))
                    .as("overlap %d", overlap).isInstanceOfSatisfying(ApiError.class,
                            e -> assertThat(e.code()).isEqualTo("invalid_previous_key_expires_in_seconds"));
        }
        assertThat(records.writes).isEmpty();
    }

    @Test
    void a_change_of_an_unknown_merchant_is_not_found() {
        assertThatThrownBy(() -> changes.change(8, MerchantPatch.builder().sessionTtlSeconds(600).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("not_found"));
        assertThat(records.writes).isEmpty();
    }

    @Test
    void fields_in_range_are_written_in_one_record() throws Exception {
        changes.change(7, MerchantPatch.builder().sessionTtlSeconds(600).graceSeconds(0).disabled(true).build());

        assertThat(records.writes).hasSize(1);
        Merchant written = records.writes.get(0);
        assertThat(written.getSessionTtlSeconds()).isEqualTo(600);
        assertThat(written.getGraceSeconds()).isEqualTo(0);
        assertThat(written.getDisabled()).isTrue();
        assertThat(written.getApiKeyHash()).as("what the change does not name stays").isEqualTo("sha256:old");
    }

    @Test
    void one_bad_field_refuses_the_whole_change() {
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().graceSeconds(60).sessionTtlSeconds(0).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_session_ttl_seconds"));
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().retrySchedule("soon").build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_retry_schedule"));
        assertThat(records.writes).isEmpty();
        assertThat(records.byId.get(7L).getGraceSeconds()).isEqualTo(1800);
    }

    @Test
    void a_new_webhook_secret_is_answered_once_and_never_in_the_answers_text() throws Exception {
        MerchantChanges.MerchantChanged changed = changes.change(7, MerchantPatch.builder().rotateWebhookSecret(true).build());

        assertThat(changed.webhookSecret()).startsWith("whsec_");
        assertThat(changed.toString()).doesNotContain(changed.webhookSecret());
        assertThat(records.byId.get(7L).getPreviousSecretUntil()).isEqualTo(NOW.plusSeconds(86_400));
    }

    @Test
    void values_are_checked_here_whoever_sends_them() {
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().domains(List.of("shop.example", "not a domain")).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_domain"));
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().domains(List.of()).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("missing_field"));
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().rateLimitPerSecond(10_001).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("invalid_rate_limit_per_second"));
        assertThatThrownBy(() -> changes.change(7, MerchantPatch.builder().cryptoEnabled(true).build()))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo("missing_merchant_payout_wallet"));
        assertThat(records.writes).isEmpty();
    }

    @Test
    void the_profile_buyers_see_is_set_checked_and_removed_by_a_blank() throws Exception {
        changes.change(7, MerchantPatch.builder().displayName("  Café Ünïcode  ").supportEmail("help@shop.example")
                .supportUrl("https://shop.example/help").build());
        Merchant m = records.byId.get(7L);
        assertThat(m.getDisplayName()).isEqualTo("Café Ünïcode");
        assertThat(m.getSupportEmail()).isEqualTo("help@shop.example");
        assertThat(m.getSupportUrl()).isEqualTo("https://shop.example/help");

        String[][] bad = {
                {"display_name", "x".repeat(101), "invalid_display_name"},
                {"display_name", "two\nlines", "invalid_display_name"},
                {"display_name", "Shop 4242 4242 4242 4242", "invalid_display_name"},
                {"support_email", "not-an-address", "invalid_support_email"},
                {"support_email", "a@" + "b".repeat(250) + ".com", "invalid_support_email"},
                {"support_url", "http://shop.example/help", "invalid_support_url"},
                {"support_url", "https://user@shop.example/", "invalid_support_url"},
                {"support_url", "javascript:alert(1)", "invalid_support_url"},
                {"support_url", "https://shop.example/" + "x".repeat(2048), "invalid_support_url"}};
        for (String[] row : bad) {
            MerchantPatch.Builder patch = MerchantPatch.builder();
            switch (row[0]) {
                case "display_name" -> patch.displayName(row[1]);
                case "support_email" -> patch.supportEmail(row[1]);
                default -> patch.supportUrl(row[1]);
            }
            assertThatThrownBy(() -> changes.change(7, patch.build())).as(row[0] + " " + row[1].substring(0, Math.min(30, row[1].length())))
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(row[2]));
        }
        assertThat(records.byId.get(7L)).as("nothing changed by a refused value").isEqualTo(m);

        changes.change(7, MerchantPatch.builder().collectDefaults(new Collect(true, false, true, false)).build());
        assertThat(records.byId.get(7L).getCollectDefaults()).isEqualTo(new Collect(true, false, true, false));
        changes.change(7, MerchantPatch.builder().collectDefaults(new Collect(false, false, false, false)).build());
        assertThat(records.byId.get(7L).getCollectDefaults()).as("asking nothing is no default").isNull();

        changes.change(7, MerchantPatch.builder().displayName(" ").supportEmail(null).build());
        assertThat(records.byId.get(7L).getDisplayName()).as("blank: the domain again").isNull();
        assertThat(records.byId.get(7L).getSupportEmail()).isNull();
        assertThat(records.byId.get(7L).getSupportUrl()).as("not named: unchanged").isEqualTo("https://shop.example/help");
    }

    @Test
    void a_null_value_removes_what_it_names() throws Exception {
        changes.change(7, MerchantPatch.builder().rateLimitPerSecond(50).routingAllow(List.of(" Card ")).build());
        assertThat(records.byId.get(7L).getRateLimitPerSecond()).isEqualTo(50);
        assertThat(records.byId.get(7L).getRoutingAllow()).containsExactly("card");

        changes.change(7, MerchantPatch.builder().rateLimitPerSecond(null).build());
        assertThat(records.byId.get(7L).getRateLimitPerSecond()).as("back to the default").isNull();
        assertThat(records.byId.get(7L).getRoutingAllow()).as("not named: unchanged").containsExactly("card");
    }

    @Test
    void a_new_merchant_takes_the_defaults_and_its_key_and_secret_are_answered_once() throws Exception {
        MerchantSpec.Created created = changes.create(new MerchantSpec("new@example.com", List.of("Shop.Example"), null, null, "nl",
                null, null, null, null, null, List.of(" Stripe "), null, false, null));

        Merchant written = records.byId.get(created.merchantId());
        assertThat(records.writes).containsExactly(written);
        assertThat(written.getApiKeyHash()).isEqualTo(Secrets.hash(created.apiKey()));
        assertThat(written.getDomains()).containsExactly("shop.example");
        assertThat(written.getPackage$()).isEqualTo(MerchantPackage.FREE);
        assertThat(written.getCheckoutMode()).isEqualTo(CheckoutMode.HOSTED_CHECKOUT);
        assertThat(written.getCountry()).isEqualTo("NL");
        assertThat(written.getSessionTtlSeconds()).isEqualTo(MerchantSpec.DEFAULT_SESSION_TTL_SECONDS);
        assertThat(written.getGraceSeconds()).isEqualTo(MerchantSpec.DEFAULT_GRACE_SECONDS);
        assertThat(written.getRoutingAllow()).isEmpty();
        assertThat(written.getRoutingBlock()).containsExactly("stripe");
        assertThat(written.getCreatedAt()).isEqualTo(NOW);
        assertThat(created.toString()).doesNotContain(created.apiKey()).doesNotContain(created.webhookSecret());
    }

    @Test
    void a_new_merchant_with_one_bad_value_is_not_written() {
        List<MerchantSpec> bad = List.of(
                new MerchantSpec(null, List.of("shop.example"), null, null, null, null, null, null, null, null, null, null, false, null),
                new MerchantSpec("not-an-address", List.of("shop.example"), null, null, null, null, null, null, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of(), null, null, null, null, null, null, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("not a domain"), null, null, null, null, null, null, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("shop.example"), null, null, null, null, 0, null, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("shop.example"), null, null, null, null, null, 8 * 86_400, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("shop.example"), null, null, null, null, null, null, 10_001, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("shop.example"), null, null, null, "ftp://shop.example/hook", null, null, null, null, null, null, false, null),
                new MerchantSpec("a@example.com", List.of("shop.example"), null, null, null, null, null, null, null, null, null, null, true, null));
        List<String> codes = List.of("missing_field", "invalid_email", "missing_field", "invalid_domain", "invalid_session_ttl_seconds",
                "invalid_grace_seconds", "invalid_rate_limit_per_second", "invalid_webhook_url", "missing_merchant_payout_wallet");
        for (int i = 0; i < bad.size(); i++) {
            MerchantSpec spec = bad.get(i);
            assertThatThrownBy(() -> changes.create(spec)).as("%s", spec)
                    .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.code()).isEqualTo(codes.get(bad.indexOf(spec))));
        }
        assertThat(records.writes).as("nothing written").isEmpty();
    }

    private static GatewaySettings settings() {
        return new GatewaySettings("localhost:9092", "admin-token-for-tests", "http://localhost", true, 50, 100, 100, 200, false,
                Duration.ofSeconds(5), 0, "", "", "kassa-gateway-views", "", "localhost", Duration.ofDays(90), 0, "");
    }
}
