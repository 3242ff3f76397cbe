package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/** LAUNCH_CONFIRMED: EC2 reports the instance {@code running}. {@code confirmedAt} is when the agent saw it. */
public record LaunchConfirmation(String instanceId, String ec2InstanceId, Instant confirmedAt) {
}
