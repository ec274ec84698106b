package dev.kassa.gateway.kafka;

import dev.kassa.router.RoutingSetting;
import java.util.Optional;

/** Where the routing rules an operator set live ({@link RoutingSettingsStore}); empty: none set, the start-up flags rule. */
@FunctionalInterface
public interface RoutingSettingSource {

    Optional<RoutingSetting> current();
}
