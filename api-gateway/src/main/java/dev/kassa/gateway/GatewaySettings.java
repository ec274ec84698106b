package dev.kassa.gateway;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * The gateway's settings ({@code kassa.gateway.*}): the Kafka cluster, the operator's token, the public base URL
 * used in checkout links, and whether loopback webhook URLs are allowed (development mode only).
 */
@ConfigurationProperties("kassa.gateway")
record GatewaySettings(String bootstrapServers, String adminToken, String publicUrl, boolean development) {
}
