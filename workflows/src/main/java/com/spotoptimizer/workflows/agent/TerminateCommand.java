package com.spotoptimizer.workflows.agent;

/** What an agent needs to terminate one instance; {@code ec2InstanceId} is null if the launch never confirmed. */
public record TerminateCommand(
        String workflowId,
        String commandId,
        String instanceId,
        String ec2InstanceId,
        String clientToken,
        int priority) {
}
