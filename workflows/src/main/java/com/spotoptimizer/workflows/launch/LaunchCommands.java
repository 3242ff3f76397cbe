package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;

/** The command a Temporal agent gets for a launch: ClientToken and ownership tags (with the agent id) included. */
final class LaunchCommands {

    private LaunchCommands() {
    }

    static LaunchCommand of(String workflowId, LaunchInstanceInput input) {
        return of(workflowId, input, 0);
    }

    /** The command of attempt {@code attempt} (0: the launch's own type and subnet; then its alternatives). */
    static LaunchCommand of(String workflowId, LaunchInstanceInput input, int attempt) {
        LaunchSpec base = input.spec() == null ? LaunchSpec.empty() : input.spec();
        LaunchAlternative target = input.attempts().get(attempt);
        LaunchSpec spec = attempt == 0 ? base
                : new LaunchSpec(base.imageId(), target.subnetId(), base.market(), base.tags());
        return new LaunchCommand(
                workflowId,
                "launch-" + input.instanceId(),
                input.instanceId(),
                input.clientId(),
                input.requestId(),
                ClientTokens.forAttempt(input.clientId(), input.requestId(), attempt, target.instanceType(),
                        target.subnetId()),
                target.instanceType(),
                input.role(),
                spec,
                OwnershipTags.of(input.instanceId(), input.clientId(), input.agentId(), input.requestId(), spec.tags()),
                CommandPriority.orCritical(input.priority()),
                attempt);
    }
}
