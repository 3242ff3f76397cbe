package com.spotoptimizer.db.instance;

import java.time.Instant;
import java.util.UUID;

/**
 * A launch request to record. {@code commandMetadataJson} is what the agent receives with the
 * LAUNCH_INSTANCE command; {@code dispatchedViaTemporal} marks a command that goes to the agent's task
 * queue rather than waiting for an HTTP poll.
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
        boolean dispatchedViaTemporal) {
}
