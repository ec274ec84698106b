package dev.kassa.cli.archfixture.ring;

import dev.kassa.cli.archfixture.ring.back.Right;

/** Half of a package cycle made on purpose for ArchitectureTest (test sources only). */
public final class Left {
    Right right;
}
