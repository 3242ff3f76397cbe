package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * LAUNCH_CONFIRMED: EC2 reports the instance {@code running}. {@code agentId} names the agent that saw it,
 * and the workflow refuses a confirmation from any agent but the one the launch was given to.
 * {@code confirmedAt} is when the agent saw it.
 */
public record LaunchConfirmation(String instanceId, String agentId, String ec2InstanceId, Instant confirmedAt) {
}
