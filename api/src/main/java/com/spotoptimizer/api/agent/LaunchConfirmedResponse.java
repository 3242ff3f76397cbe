package com.spotoptimizer.api.agent;

/** Answer to LAUNCH_CONFIRMED; the same every time it is sent. */
public record LaunchConfirmedResponse(String instanceId, String ec2InstanceId, String status, Double launchDurationSeconds) {
}
