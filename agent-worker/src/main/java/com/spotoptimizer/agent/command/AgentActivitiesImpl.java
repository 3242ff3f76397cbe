package com.spotoptimizer.agent.command;

import com.spotoptimizer.agent.launch.InstanceLauncher;
import com.spotoptimizer.agent.terminate.InstanceTerminator;
import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import io.temporal.activity.Activity;

/**
 * The agent's side of {@link AgentActivities}, on its own task queue. Both methods usually return before
 * the activity completes: the instance is handed to the watcher, which confirms by signal and completes
 * the activity when EC2 reports the final state (see {@code InstanceWatcher}).
 */
public final class AgentActivitiesImpl implements AgentActivities {

    private final InstanceLauncher launcher;
    private final InstanceTerminator terminator;

    public AgentActivitiesImpl(InstanceLauncher launcher, InstanceTerminator terminator) {
        this.launcher = launcher;
        this.terminator = terminator;
    }

    @Override
    public void launchInstance(LaunchCommand command) {
        launcher.launch(Activity.getExecutionContext(), command);
    }

    @Override
    public void terminateInstance(TerminateCommand command) {
        terminator.terminate(Activity.getExecutionContext(), command);
    }
}
