package com.spotoptimizer.workflows.move;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A primary got a spot interruption notice (two minutes): promote its replica at once and launch a new replica,
 * or, without a replica, launch a replacement primary at once. Workflow id:
 * {@link com.spotoptimizer.workflows.system.WorkflowIds#failover} (one per instance and notice).
 */
@WorkflowInterface
public interface InterruptionFailoverWorkflow {

    @WorkflowMethod
    MoveResult failover(FailoverInput input);

    @QueryMethod
    MovePhase getPhase();
}
