package dev.kassa.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kassa.schemas.avro.CheckoutMode;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.MerchantPackage;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The relay's "endpoint disabled" fact against the gateway's merchant record: which one wins. */
class MerchantViewTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            disabled after the URL was set                 | https://a.example/h | 60  | 0    | true
            the operator re-enabled it after the 410       | https://a.example/h | 60  | 120  | false
            the 410 came from a URL the merchant left      | https://b.example/h | 60  | 0    | false
            a 410 older than the merchant's record          | https://a.example/h | -60 | NONE | false
            """)
    void the_newer_of_the_two_decides(String name, String url, long disabledAfter, String enabledAfter, boolean disabled) {
        Merchant merchant = Merchant.newBuilder().setMerchantId(1).setEmail("m@example.com").setApiKeyHash("sha256:x")
                .setDomains(List.of("a.example")).setPackage$(MerchantPackage.PRO).setCheckoutMode(CheckoutMode.SMART_ROUTER)
                .setWebhookUrl("https://a.example/h").setWebhookSecret("whsec_x")
                .setWebhookEnabledAt(enabledAfter.equals("NONE") ? null : T0.plusSeconds(Long.parseLong(enabledAfter)))
                .setCreatedAt(T0).setUpdatedAt(T0).build();
        WebhookEndpointStatus status = new WebhookEndpointStatus(1L, url, true, "410 Gone", T0.plusSeconds(disabledAfter), null);

        Merchant view = MerchantView.of(merchant, status);

        assertThat(view.getWebhookDisabledReason() != null).isEqualTo(disabled);
        assertThat(MerchantView.of(merchant, null)).isSameAs(merchant);
    }
}
