package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code POST /api/client/instances/{id}/promote}: the replica becomes the primary, then the old primary is demoted
 * or terminated. Workflow id: {@link com.spotoptimizer.workflows.system.WorkflowIds#promote}.
 */
@WorkflowInterface
public interface PromoteInstanceWorkflow {

    @WorkflowMethod
    MoveResult promote(PromoteInstanceInput input);

    /** The replica's row once the promotion request is recorded ({@code promoting}) or refused (as it is). */
    @UpdateMethod
    InstanceSnapshot awaitRecorded();

    @QueryMethod
    MovePhase getPhase();

    /**
     * What this promotion was asked to do, taken from its input. Answers on a running and on a closed workflow
     * (Temporal replays a closed one to answer), so it works for promotions started before the query existed.
     */
    @QueryMethod
    RequestedPromotion getRequestedPromotion();
}
