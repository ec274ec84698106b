package dev.kassa.gateway.kafka;

import dev.kassa.gateway.shared.GatewaySettings;
import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import dev.kassa.schemas.TopicProducer;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.LoggerFactory;

/** How the gateway reaches Kafka (one principal for all its clients), its one producer, and the keyring that seals webhook secrets. */
@Factory
class KafkaAccessFactory {

    @Singleton
    KafkaAccess kafkaAccess(GatewaySettings settings) {
        String file = settings.kafkaConfig();
        return KafkaAccess.load(settings.bootstrapServers(), file == null || file.isBlank() ? null : Path.of(file));
    }

    /**
     * The one producer of the gateway's writes (commands, merchants, users, links, products, redeliveries, routing
     * decisions): every record acknowledged by all in-sync replicas, idempotent, sent at once.
     */
    @Singleton
    @Bean(preDestroy = "close")
    TopicProducer producer(KafkaAccess access) {
        return new TopicProducer(access.config(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0)));
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
