package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The test launch workflow's interface: the agent's {@code confirmLaunched} signal, by name. */
@WorkflowInterface
public interface ShortHeartbeatLaunch {

    @WorkflowMethod
    LaunchResult launch(LaunchInstanceInput input);

    @SignalMethod
    void confirmLaunched(LaunchConfirmation confirmation);
}
