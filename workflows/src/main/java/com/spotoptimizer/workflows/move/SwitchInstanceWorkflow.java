package com.spotoptimizer.workflows.move;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Replaces a primary: launch the replacement as a replica, wait until it runs, promote it, terminate the old one.
 * Workflow id: {@link com.spotoptimizer.workflows.system.WorkflowIds#move}.
 */
@WorkflowInterface
public interface SwitchInstanceWorkflow {

    @WorkflowMethod
    MoveResult switchInstance(SwitchInstanceInput input);

    /** Returns once the move's command is recorded, so the API can answer 202. */
    @UpdateMethod
    String awaitRecorded();

    @QueryMethod
    MovePhase getPhase();
}
