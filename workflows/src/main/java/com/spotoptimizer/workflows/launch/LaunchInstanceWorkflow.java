package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One launch, from the client's request to {@code running_*} or a named failure. Workflow id:
 * {@link com.spotoptimizer.workflows.system.WorkflowIds#launch}.
 */
@WorkflowInterface
public interface LaunchInstanceWorkflow {

    @WorkflowMethod
    LaunchResult launch(LaunchInstanceInput input);

    /**
     * LAUNCH_CONFIRMED from a Temporal agent. Repeats change nothing; one from another agent than the launch's, or
     * for another instance, is ignored.
     */
    @SignalMethod
    void confirmLaunched(LaunchConfirmation confirmation);

    /**
     * LAUNCH_CONFIRMED from an HTTP agent, answered: whether this confirmation is the one recorded. Of racing
     * confirmations with different EC2 ids exactly one is accepted; the others learn the recorded id.
     */
    @UpdateMethod
    ConfirmationVerdict submitLaunchConfirmation(LaunchConfirmation confirmation);

    @UpdateValidatorMethod(updateName = "submitLaunchConfirmation")
    void validateLaunchConfirmation(LaunchConfirmation confirmation);

    /**
     * An HTTP agent reports that EC2 refused the launch attempt (its command result). A capacity refusal of a launch
     * with alternatives left moves on to the next one (a new command for the agent); any other ends the launch. Ignored
     * once the launch is confirmed (a refusal never undoes an instance that exists) and when it names an attempt the
     * launch has already left.
     */
    @SignalMethod
    void reportLaunchRefused(LaunchRefusal refusal);

    /**
     * The agent made its EC2 call: the confirmation deadline becomes {@code madeAt} + the confirmation timeout.
     * The first report counts; one from another agent, or for another instance, is ignored.
     */
    @SignalMethod
    void launchCallMade(LaunchCallMade call);

    /**
     * The agent waits for EC2's rate budget before it calls: the row shows the reason, and until the call is made
     * the launch's bounded queue wait ({@code maxQueueWait}) applies instead of the confirmation deadline.
     */
    @SignalMethod
    void launchQueued(LaunchQueued queued);

    /** Returns the instance once the launch request is recorded, so the API can answer 202. */
    @UpdateMethod
    InstanceSnapshot awaitRecorded();

    /**
     * Terminate while launching: records {@code terminating} now, terminates once the launch settles.
     * Answers with the row after the transition.
     */
    @UpdateMethod
    InstanceSnapshot requestTermination(TerminationRequest request);

    @UpdateValidatorMethod(updateName = "requestTermination")
    void validateRequestTermination(TerminationRequest request);

    @QueryMethod
    LaunchProgress getProgress();
}
