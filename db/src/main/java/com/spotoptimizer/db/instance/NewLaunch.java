package com.spotoptimizer.db.instance;

import java.time.Instant;
import java.util.UUID;

/**
 * A launch request to record. {@code commandMetadataJson} is what the agent receives with the
 * LAUNCH_INSTANCE command; {@code dispatchedViaTemporal} marks a command that goes to the agent's task
 * queue rather than waiting for an HTTP poll. {@code priority} is the LAUNCH_INSTANCE command's (100 for a client's
 * own launch, the move's for a switch's replacement); {@code replicaOf} the primary a replica stands in for.
 */
public record NewLaunch(
        UUID instanceId,
        String clientId,
        String agentId,
        String instanceType,
        String role,
        String requestId,
        String requestFingerprint,
        String metadataJson,
        String commandMetadataJson,
        Instant requestedAt,
        boolean dispatchedViaTemporal,
        int priority,
        UUID replicaOf) {
}
