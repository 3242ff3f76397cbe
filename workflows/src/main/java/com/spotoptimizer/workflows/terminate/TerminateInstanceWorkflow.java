package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One termination, from the request to {@code terminated} or a named failure. Workflow id:
 * {@link com.spotoptimizer.workflows.system.WorkflowIds#terminate}.
 */
@WorkflowInterface
public interface TerminateInstanceWorkflow {

    @WorkflowMethod
    TerminateResult terminate(TerminateInstanceInput input);

    /**
     * TERMINATE_CONFIRMED from a Temporal agent. Repeats change nothing; one from another agent, for another
     * instance or naming another EC2 id than the recorded one is ignored.
     */
    @SignalMethod
    void confirmTerminated(TerminationConfirmation confirmation);

    /** TERMINATE_CONFIRMED from an HTTP agent, answered: whether this confirmation is the one recorded. */
    @UpdateMethod
    ConfirmationVerdict submitTerminationConfirmation(TerminationConfirmation confirmation);

    @UpdateValidatorMethod(updateName = "submitTerminationConfirmation")
    void validateTerminationConfirmation(TerminationConfirmation confirmation);

    /**
     * The agent made its EC2 call: the confirmation deadline becomes {@code madeAt} + the confirmation timeout. The
     * first report counts; one from another agent, or for another instance, is ignored.
     */
    @SignalMethod
    void terminationCallMade(TerminationCallMade call);

    /**
     * The agent waits for EC2's TerminateInstances budget before it calls: until the call is made, the termination's
     * bounded queue wait ({@code maxQueueWait}) applies instead of the confirmation deadline.
     */
    @SignalMethod
    void terminationQueued(TerminationQueued queued);

    /** An HTTP agent reports that EC2 refused the termination (its command result). */
    @SignalMethod
    void reportTerminationRefused(Outcome outcome);

    /** Returns the instance once the termination request is recorded, so the API can answer 202. */
    @UpdateMethod
    InstanceSnapshot awaitRecorded();

    @QueryMethod
    InstanceSnapshot getInstance();
}
