package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * A launch workflow whose agent activity has a 2 s heartbeat timeout instead of 30 s, so a test can let
 * an attempt die and watch Temporal run the next one in seconds. It receives the agent's signal by its
 * name ({@code confirmLaunched}), as the real {@code LaunchInstanceWorkflow} does, and returns once it has the
 * confirmation and the activity has completed.
 */
public class ShortHeartbeatLaunchWorkflow implements ShortHeartbeatLaunch {

    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(2);

    private LaunchConfirmation confirmation;
    private String failure;
    private boolean activitySettled;

    @Override
    public LaunchResult launch(LaunchInstanceInput input) {
        AgentActivities agent = Workflow.newActivityStub(AgentActivities.class, ActivityOptions.newBuilder()
                .setTaskQueue(input.agentTaskQueue())
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofMillis(200))
                        .setBackoffCoefficient(1)
                        .setDoNotRetry(FailureTypes.NON_RETRYABLE_EC2.toArray(String[]::new))
                        .build())
                .build());
        LaunchSpec spec = input.spec() == null ? LaunchSpec.empty() : input.spec();
        LaunchCommand command = new LaunchCommand(Workflow.getInfo().getWorkflowId(), "launch-" + input.instanceId(),
                input.instanceId(), input.clientId(), input.requestId(),
                ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()),
                input.instanceType(), input.role(), spec,
                OwnershipTags.of(input.instanceId(), input.clientId(), input.agentId(), input.requestId(), spec.tags()), CommandPriority.CRITICAL);
        Async.procedure(agent::launchInstance, command).handle((ignored, error) -> {
            activitySettled = true;
            if (error != null) {
                failure = ActivityStubs.nonRetryableReason(error);
            }
            return null;
        });
        // Unlike the real workflow it also waits for the activity, so its completion (by attempt >= 2) is in the
        // history even when a stale attempt's confirmation arrives first.
        Workflow.await(() -> (confirmation != null && activitySettled) || failure != null);
        return confirmation != null
                ? new LaunchResult(input.instanceId(), confirmation.ec2InstanceId(), "running_primary", null)
                : new LaunchResult(input.instanceId(), null, "launch_failed", failure);
    }

    @Override
    public void confirmLaunched(LaunchConfirmation confirmation) {
        if (this.confirmation == null) {
            this.confirmation = confirmation;
        }
    }
}
