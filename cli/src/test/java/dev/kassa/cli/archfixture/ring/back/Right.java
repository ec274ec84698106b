package dev.kassa.cli.archfixture.ring.back;

import dev.kassa.cli.archfixture.ring.Left;

/** The other half of the package cycle made on purpose for ArchitectureTest (test sources only). */
public final class Right {
    Left left;
}
