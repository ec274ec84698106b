package dev.kassa.gateway.links;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.gateway.shared.SessionCommands;
import dev.kassa.schemas.avro.CreateSession;
import dev.kassa.schemas.avro.Merchant;
import dev.kassa.schemas.avro.SessionCommand;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Sessions the platform creates for a merchant (seed 003: "Payment Links / Product checkouts are platform-hosted and
 * may create sessions under the platform domain"): the shop domain is the platform's own host, so no allowlist entry
 * is needed; the order id names the link or product; meta says where the session came from. The merchant's ttl, grace
 * and late-payment policy apply as to any session.
 */
@Singleton
public final class PlatformSessions {

    private final GatewaySettings settings;
    private final SessionCommands commands;

    PlatformSessions(GatewaySettings settings, SessionCommands commands) {
        this.settings = settings;
        this.commands = commands;
    }

    /** The platform's host, the shop domain of its sessions. */
    public String domain() {
        String host = URI.create(settings.publicUrl()).getHost();
        return host == null ? "localhost" : host.toLowerCase(Locale.ROOT);
    }

    SessionCommand create(String commandId, long sessionId, Merchant merchant, String actor, String orderId, long amountMinor,
                          String currency, String customerEmail, Map<String, String> meta) throws Exception {
        Instant now = commands.now();
        return commands.of(commandId, sessionId, merchant.getMerchantId(), actor, CreateSession.newBuilder()
                .setOrderId(orderId).setAmountMinor(amountMinor).setCurrency(currency).setShopDomain(domain())
                .setCustomerEmail(customerEmail).setMetaJson(SessionCommands.metaJson(meta))
                .setExpiresAt(now.plusSeconds(merchant.getSessionTtlSeconds())).setGraceSeconds(merchant.getGraceSeconds())
                .setLatePaymentPolicy(merchant.getLatePaymentPolicy()).build());
    }

    String checkoutUrl(long sessionId) {
        return settings.publicUrl() + "/pay.php?session=" + sessionId;
    }
}
