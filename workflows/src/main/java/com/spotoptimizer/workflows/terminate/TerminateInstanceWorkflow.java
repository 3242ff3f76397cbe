package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
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

    /** An HTTP agent reports that EC2 refused the termination (its command result). */
    @SignalMethod
    void reportTerminationRefused(Outcome outcome);

    /** Returns the instance once the termination request is recorded, so the API can answer 202. */
    @UpdateMethod
    InstanceSnapshot awaitRecorded();

    @QueryMethod
    InstanceSnapshot getInstance();
}
