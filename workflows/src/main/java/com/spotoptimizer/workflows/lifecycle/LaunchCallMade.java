package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * The agent made its EC2 call for this launch (a Temporal agent: RunInstances got its turn; an HTTP agent: it
 * leased the LAUNCH_INSTANCE command). The confirmation deadline runs from {@code madeAt}, not from the request.
 */
public record LaunchCallMade(String instanceId, String agentId, Instant madeAt) {
}
