package com.spotoptimizer.workflows.move;

/** What becomes of the old primary once its replica is the primary. */
public enum DemoteTo {
    /** It serves on as a replica of the new primary ({@code running_primary → running_replica}). */
    REPLICA,
    /** It is terminated through a {@code TerminateInstanceWorkflow}. */
    TERMINATED
}
