package dev.kassa.gateway.shared;

import java.time.Duration;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The gateway's settings ({@code kassa.gateway.*}): the Kafka cluster, the operator's token, the public base URL
 * used in checkout links, whether loopback webhook URLs are allowed (development mode only), the per-merchant rate
 * limit for merchants without their own {@code rate_limit_per_second} (requests per second on average, and the burst;
 * the same rate limits unknown keys per client address), and the per-address limit of the public, unauthenticated
 * routes (the hosted page, provider callbacks, the operator API). {@code trustForwardedFor}: take the client's address
 * from the last {@code X-Forwarded-For} entry (behind Kassa's own proxy only; anyone can write that header).
 * {@code adminPort}: when set, the operator API and {@code /metrics} answer only on this port, and nothing else does.
 * {@code sessionWait}: how long a read waits for a session this gateway just created (answered once appended) and its
 * replica has not seen yet: 5 s, so that a slow aggregate (a three-broker cluster under load: `kassa chaos`) does not turn
 * a merchant's create-then-status into a 404. An id this gateway did not create is never waited for. The events feed
 * waits as long for the creates and cancels answered here.
 * {@code kafkaConfig}: a Kafka client properties file (SASL credentials, TLS) every client of the gateway uses.
 * {@code secretsKeyring}: the keyring that seals webhook secrets on {@code kassa.merchants} (none: written in clear).
 * The read side ({@code dev.kassa.gateway.views}): {@code viewsApplicationId}, the Kafka Streams application the
 * gateway instances of one deployment share (each owns some partitions of the views, reads of the others are
 * forwarded); {@code viewsStateDir}, where its RocksDB stores live (none: a temporary directory, restored from Kafka at
 * every start); {@code viewsHost}, the host name other instances reach this one at (with the admin port, or the HTTP
 * port without one); {@code viewRetention}, how long a terminal session stays in the views after its last change (90
 * days; the event log keeps it for good); {@code viewsStandbyReplicas}, warm copies of each view on other instances.
 * {@code sharedSecret}: the random secret the gateways of a deployment share, from which {@link GatewayKeys} derives the
 * dashboard's cookie key and the peer token of forwarded view reads (none: a random one for this process).
 */
@ConfigurationProperties("kassa.gateway")
public record GatewaySettings(String bootstrapServers, String adminToken, String publicUrl, boolean development,
                       @Bindable(defaultValue = "50") double ratePerSecond, @Bindable(defaultValue = "100") double rateBurst,
                       @Bindable(defaultValue = "100") double clientRatePerSecond, @Bindable(defaultValue = "200") double clientRateBurst,
                       @Bindable(defaultValue = "false") boolean trustForwardedFor,
                       @Bindable(defaultValue = "5s") Duration sessionWait,
                       @Bindable(defaultValue = "0") int adminPort,
                       @Bindable(defaultValue = "") String kafkaConfig,
                       @Bindable(defaultValue = "") String secretsKeyring,
                       @Bindable(defaultValue = "kassa-gateway-views") String viewsApplicationId,
                       @Bindable(defaultValue = "") String viewsStateDir,
                       @Bindable(defaultValue = "localhost") String viewsHost,
                       @Bindable(defaultValue = "90d") Duration viewRetention,
                       @Bindable(defaultValue = "0") int viewsStandbyReplicas,
                       @Bindable(defaultValue = "") String sharedSecret) {
}
