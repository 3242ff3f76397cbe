package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;

/** The command a Temporal agent gets for a launch: ClientToken and ownership tags (with the agent id) included. */
final class LaunchCommands {

    private LaunchCommands() {
    }

    static LaunchCommand of(String workflowId, LaunchInstanceInput input) {
        LaunchSpec spec = input.spec() == null ? LaunchSpec.empty() : input.spec();
        return new LaunchCommand(
                workflowId,
                "launch-" + input.instanceId(),
                input.instanceId(),
                input.clientId(),
                input.requestId(),
                ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()),
                input.instanceType(),
                input.role(),
                spec,
                OwnershipTags.of(input.instanceId(), input.clientId(), input.agentId(), input.requestId(), spec.tags()), CommandPriority.orCritical(input.priority()));
    }
}
