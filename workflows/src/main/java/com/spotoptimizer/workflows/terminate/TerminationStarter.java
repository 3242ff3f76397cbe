package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.common.SearchAttributes.Builder;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/** Hands a launch over to its termination: a detached child, so the launch workflow can close. */
public final class TerminationStarter {

    private static final Logger log = Workflow.getLogger(TerminationStarter.class);

    private TerminationStarter() {
    }

    public static TerminateInstanceInput input(LaunchInstanceInput launch, TerminationRequest request, String reason) {
        return new TerminateInstanceInput(
                launch.instanceId(),
                launch.clientId(),
                launch.agentId(),
                launch.transport(),
                launch.agentTaskQueue(),
                launch.requestId(),
                launch.instanceType(),
                request.requestId(),
                reason,
                request.requestedAt(),
                launch.terminationTimeout(), CommandPriority.orCritical(launch.priority()));
    }

    public static void startDetached(LaunchInstanceInput launch, TerminationRequest request, String reason) {
        Builder attributes = io.temporal.common.SearchAttributes.newBuilder()
                .set(SearchAttributes.INSTANCE_ID, launch.instanceId())
                .set(SearchAttributes.CLIENT_ID, launch.clientId())
                .set(SearchAttributes.AGENT_ID, launch.agentId())
                .set(SearchAttributes.INSTANCE_STATE, "terminating");
        TerminateInstanceWorkflow child = Workflow.newChildWorkflowStub(TerminateInstanceWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                        .setWorkflowId(WorkflowIds.terminate(launch.instanceId()))
                        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                        .setTypedSearchAttributes(attributes.build())
                        .build());
        Async.function(child::terminate, input(launch, request, reason));
        // Wait for the start only: the termination outlives this workflow.
        try {
            Workflow.getWorkflowExecution(child).get();
        } catch (ChildWorkflowFailure e) {
            if (!(e.getCause() instanceof WorkflowExecutionAlreadyStarted)) {
                throw e;
            }
            // A termination of this instance is already running (requested through the API after the launch
            // stopped taking requests): it owns the instance now and finds it by ClientToken or EC2 id.
            log.info("Termination already running, not starting another instance_id={} workflow_id={}",
                    launch.instanceId(), WorkflowIds.terminate(launch.instanceId()));
        }
    }
}
