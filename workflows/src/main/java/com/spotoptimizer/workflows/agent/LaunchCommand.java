package com.spotoptimizer.workflows.agent;

import java.util.Map;

/**
 * What an agent needs to launch one instance. {@code clientToken} makes RunInstances safe to repeat;
 * {@code tags} already carry the ownership tags (see {@link OwnershipTags}).
 */
public record LaunchCommand(
        String workflowId,
        String commandId,
        String instanceId,
        String clientId,
        String requestId,
        String clientToken,
        String instanceType,
        String role,
        LaunchSpec spec,
        Map<String, String> tags,
        int priority) {
}
