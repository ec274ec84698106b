package dev.kassa.gateway.kafka;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** How the gateway reaches Kafka (one principal for all its clients) and the keyring that seals webhook secrets. */
@Factory
class KafkaAccessFactory {

    @Singleton
    KafkaAccess kafkaAccess(GatewaySettings settings) {
        String file = settings.kafkaConfig();
        return KafkaAccess.load(settings.bootstrapServers(), file == null || file.isBlank() ? null : Path.of(file));
    }

    @Singleton
    SecretKeyring keyring(GatewaySettings settings) {
        String file = settings.secretsKeyring();
        if (file == null || file.isBlank()) {
            LoggerFactory.getLogger(KafkaAccessFactory.class).warn("no secrets keyring (kassa.gateway.secrets-keyring): "
                    + "webhook secrets are written to kassa.merchants in clear");
            return SecretKeyring.NONE;
        }
        return SecretKeyring.load(Path.of(file));
    }
}
