package dev.kassa.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The gateway's settings ({@code kassa.gateway.*}): the Kafka cluster, the operator's token, the public base URL
 * used in checkout links, whether loopback webhook URLs are allowed (development mode only), and the per-key rate
 * limit (requests per second on average, and the burst).
 */
@ConfigurationProperties("kassa.gateway")
public record GatewaySettings(String bootstrapServers, String adminToken, String publicUrl, boolean development,
                       @Bindable(defaultValue = "50") double ratePerSecond, @Bindable(defaultValue = "100") double rateBurst) {
}
