package com.spotoptimizer.workflows.launch;

/** How the launch ended: the instance's status when the workflow closed, and why if it failed. */
public record LaunchResult(String instanceId, String ec2InstanceId, String status, String reason) {
}
