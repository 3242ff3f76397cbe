package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * The agent holds the termination until EC2's TerminateInstances budget gives it a turn; {@code reason} says why.
 * While queued, the termination's bounded queue wait applies instead of its confirmation deadline.
 */
public record TerminationQueued(String instanceId, String agentId, String reason, Instant reportedAt) {
}
