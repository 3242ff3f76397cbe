package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * TERMINATE_CONFIRMED: EC2 reports the instance {@code terminated} (or it never existed). {@code agentId}
 * names the agent that saw it; the workflow refuses a confirmation from any other agent.
 */
public record TerminationConfirmation(String instanceId, String agentId, String ec2InstanceId, Instant confirmedAt) {
}
