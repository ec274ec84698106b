package dev.kassa.gateway.payments.archfixture;

import dev.kassa.gateway.dashboard.archfixture.Above;

/** A payments-package class that uses a dashboard one, made on purpose for ArchitectureTest (test sources only). */
public final class ReachesUp {
    Above above;
}
