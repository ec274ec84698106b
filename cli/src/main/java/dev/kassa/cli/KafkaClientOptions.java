package dev.kassa.cli;

import dev.kassa.schemas.KafkaAccess;
import dev.kassa.schemas.SecretKeyring;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --kafka-config FILE}: the Kafka client properties a command's clients use (SASL credentials, TLS), Kafka's own
 * {@code --command-config} convention; {@code $KASSA_KAFKA_CONFIG} when the option is not given. Mixed into every
 * command that talks to the cluster.
 */
final class KafkaClientOptions {

    @Option(names = "--kafka-config", paramLabel = "FILE", description = "Kafka client properties for every client of this "
            + "command: security.protocol, sasl.mechanism, sasl.jaas.config, ssl.* (default: $KASSA_KAFKA_CONFIG, else PLAINTEXT). "
            + "docs/SECURITY.md shows one per service.")
    Path kafkaConfig;

    /** The client properties file: the option, else {@code $KASSA_KAFKA_CONFIG}; null when neither names one. */
    Path file() {
        String env = System.getenv("KASSA_KAFKA_CONFIG");
        return kafkaConfig != null ? kafkaConfig : env == null || env.isBlank() ? null : Path.of(env);
    }

    KafkaAccess access(String bootstrap) {
        try {
            return KafkaAccess.load(bootstrap, file());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The keyring in {@code file} (or {@code $KASSA_SECRETS_KEYRING}); null when neither names one. */
    static SecretKeyring keyring(Path file) {
        Path chosen = keyringPath(file);
        if (chosen == null) {
            return null;
        }
        try {
            return SecretKeyring.load(chosen);
        } catch (IllegalArgumentException e) {
            throw new UserError("--secrets-keyring: " + e.getMessage());
        }
    }

    /** Where the keyring file is (option, then environment), for passing on; null when none. */
    static Path keyringPath(Path file) {
        String env = System.getenv("KASSA_SECRETS_KEYRING");
        return file != null ? file : env == null || env.isBlank() ? null : Path.of(env);
    }
}
