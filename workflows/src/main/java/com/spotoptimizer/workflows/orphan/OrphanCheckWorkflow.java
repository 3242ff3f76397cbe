package com.spotoptimizer.workflows.orphan;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Started by an agent's orphan sweep on the control-plane task queue: the agent has no database, so it
 * asks through Temporal which of its tagged instances have no live row. The agent terminates those
 * after its grace period.
 */
@WorkflowInterface
public interface OrphanCheckWorkflow {

    @WorkflowMethod
    List<TaggedInstance> check(String agentId, List<TaggedInstance> candidates);
}
