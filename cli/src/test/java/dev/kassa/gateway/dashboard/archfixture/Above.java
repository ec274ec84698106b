package dev.kassa.gateway.dashboard.archfixture;

/** Stands in for the dashboard, for ArchitectureTest's upward import (test sources only). */
public final class Above {
}
