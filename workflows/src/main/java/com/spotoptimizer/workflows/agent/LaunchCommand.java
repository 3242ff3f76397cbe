package com.spotoptimizer.workflows.agent;

import java.util.Map;

/**
 * What an agent needs to launch one instance. {@code clientToken} makes RunInstances safe to repeat;
 * {@code tags} already carry the ownership tags (see {@link OwnershipTags}). {@code attempt} is the launch attempt
 * (0: the launch's own type and subnet, then its alternatives): the agent names it when it reports its call, so a
 * report that arrives after the launch moved on to the next attempt is recognised as stale.
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
        int priority,
        int attempt) {

    /** A command without an attempt index (commands scheduled before attempts were numbered): attempt 0. */
    public LaunchCommand(String workflowId, String commandId, String instanceId, String clientId, String requestId,
                         String clientToken, String instanceType, String role, LaunchSpec spec, Map<String, String> tags,
                         int priority) {
        this(workflowId, commandId, instanceId, clientId, requestId, clientToken, instanceType, role, spec, tags,
                priority, 0);
    }
}
