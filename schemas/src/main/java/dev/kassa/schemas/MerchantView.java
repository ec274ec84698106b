package dev.kassa.schemas;

import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.WebhookEndpointStatus;
import java.time.Instant;

/**
 * A merchant as every service sees it: the gateway's record (the only writer of kassa.merchants) with the relay's
 * facts about its endpoint folded in. A pure function, so the gateway and the relay cannot disagree.
 */
public final class MerchantView {

    private MerchantView() {
    }

    /**
     * {@code merchant} with its endpoint disabled when the relay disabled this very URL after the gateway last set it
     * or re-enabled it; otherwise {@code merchant} as it is. Either argument may be null (null merchant: null).
     */
    public static Merchant of(Merchant merchant, WebhookEndpointStatus status) {
        if (merchant == null || status == null || !status.getDisabled() || merchant.getWebhookDisabledReason() != null
                || !status.getUrl().equals(merchant.getWebhookUrl())) {
            return merchant;
        }
        Instant enabledSince = merchant.getWebhookEnabledAt() != null ? merchant.getWebhookEnabledAt() : merchant.getCreatedAt();
        if (!status.getAt().isAfter(enabledSince)) {
            return merchant; // the operator re-enabled it (or set a URL) after the relay disabled it
        }
        return Merchant.newBuilder(merchant).setWebhookDisabledReason(status.getReason() == null ? "disabled by the relay" : status.getReason())
                .build();
    }
}
