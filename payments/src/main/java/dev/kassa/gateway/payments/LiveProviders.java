package dev.kassa.gateway.payments;

import dev.kassa.router.Provider;
import java.util.List;

/**
 * The live providers a payment can be taken through now (their accounts configured), as the router's catalogue outside
 * sandbox mode; implemented by the live connectors.
 */
@FunctionalInterface
public interface LiveProviders {

    List<Provider> providers();
}
