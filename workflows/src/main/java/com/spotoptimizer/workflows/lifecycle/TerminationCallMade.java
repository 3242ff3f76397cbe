package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * The agent made its EC2 call for this termination (a Temporal agent: TerminateInstances got its turn, or it began
 * looking the instance up; an HTTP agent: it leased the TERMINATE_INSTANCE command). The termination's confirmation
 * deadline runs from {@code madeAt}.
 */
public record TerminationCallMade(String instanceId, String agentId, Instant madeAt) {
}
