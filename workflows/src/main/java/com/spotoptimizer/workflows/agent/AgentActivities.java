package com.spotoptimizer.workflows.agent;

import io.temporal.activity.ActivityInterface;

/**
 * EC2 work, executed by the agent-worker of the account that owns the instance, on that agent's own
 * task queue. Each method confirms by signalling the workflow named in the command
 * ({@code confirmLaunched} / {@code confirmTerminated}) once EC2 reports the final state, then returns.
 * Non-retryable refusals are raised as {@code ApplicationFailure}s typed with
 * {@link com.spotoptimizer.workflows.system.FailureTypes}.
 */
@ActivityInterface
public interface AgentActivities {

    /** RunInstances with the command's ClientToken, then waits for {@code running} and confirms. */
    void launchInstance(LaunchCommand command);

    /**
     * TerminateInstances, then waits for {@code terminated} and confirms. Without an EC2 id, the
     * instance is found by its ClientToken; finding none is a confirmation (nothing to terminate).
     */
    void terminateInstance(TerminateCommand command);
}
