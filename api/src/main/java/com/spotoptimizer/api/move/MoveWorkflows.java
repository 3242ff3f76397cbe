package com.spotoptimizer.api.move;

import com.spotoptimizer.api.lifecycle.LifecycleWorkflows;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.move.FailoverInput;
import com.spotoptimizer.workflows.move.InterruptionFailoverWorkflow;
import com.spotoptimizer.workflows.move.PromoteInstanceInput;
import com.spotoptimizer.workflows.move.PromoteInstanceWorkflow;
import com.spotoptimizer.workflows.move.RequestedPromotion;
import com.spotoptimizer.workflows.move.SwitchInstanceInput;
import com.spotoptimizer.workflows.move.SwitchInstanceWorkflow;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.concurrent.Callable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The API's side of the move workflows: start (a duplicate joins the running one), and wait until the request is
 * recorded. The Temporal client blocks, so every call runs on boundedElastic, never on the event loop.
 */
@Component
public class MoveWorkflows {

    private final WorkflowClient client;
    private final String controlPlaneQueue;

    public MoveWorkflows(WorkflowClient client, LifecycleWorkflows lifecycle) {
        this.client = client;
        this.controlPlaneQueue = lifecycle.controlPlaneQueue();
    }

    /** Starts (or joins) the promotion; the replica's row once recorded, empty when the workflow already closed. */
    public Mono<InstanceSnapshot> promote(PromoteInstanceInput input) {
        String workflowId = WorkflowIds.promote(input.clientId(), input.requestId());
        return blocking(() -> {
            PromoteInstanceWorkflow starter = client.newWorkflowStub(PromoteInstanceWorkflow.class,
                    options(workflowId, input.replicaId(), input.clientId(), "promoting",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE));
            try {
                WorkflowClient.start(starter::promote, input);
                return client.newWorkflowStub(PromoteInstanceWorkflow.class, workflowId).awaitRecorded();
            } catch (WorkflowExecutionAlreadyStarted | WorkflowNotFoundException closed) {
                return null;
            }
        });
    }

    /**
     * What the promotion with this id was asked to do; empty when there is none (never started, or past the
     * namespace's retention). A closed one is answered too: Temporal replays it on a worker.
     */
    public Mono<RequestedPromotion> requestedPromotion(String workflowId) {
        return blocking(() -> {
            try {
                return client.newWorkflowStub(PromoteInstanceWorkflow.class, workflowId).getRequestedPromotion();
            } catch (WorkflowNotFoundException none) {
                return null;
            }
        });
    }

    /** Starts (or joins) a switch or maintenance and returns once its command is recorded. */
    public Mono<Void> switchInstance(SwitchInstanceInput input) {
        String workflowId = WorkflowIds.move(input.command().clientId(), input.command().requestId());
        return blocking(() -> {
            SwitchInstanceWorkflow starter = client.newWorkflowStub(SwitchInstanceWorkflow.class,
                    options(workflowId, input.oldInstanceId(), input.command().clientId(), "switching",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE));
            try {
                WorkflowClient.start(starter::switchInstance, input);
                client.newWorkflowStub(SwitchInstanceWorkflow.class, workflowId).awaitRecorded();
            } catch (WorkflowExecutionAlreadyStarted | WorkflowNotFoundException closed) {
                // Closed already: its command row holds the outcome.
            }
            return null;
        }).then();
    }

    /** Starts a move again whose workflow is gone (a restart lost it); one that runs is left as it is. */
    public Mono<Void> resumeSwitch(SwitchInstanceInput input) {
        String workflowId = WorkflowIds.move(input.command().clientId(), input.command().requestId());
        return blocking(() -> {
            SwitchInstanceWorkflow starter = client.newWorkflowStub(SwitchInstanceWorkflow.class,
                    options(workflowId, input.oldInstanceId(), input.command().clientId(), "switching",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE));
            WorkflowClient.start(starter::switchInstance, input);
            return null;
        }).then();
    }

    /** Starts the failover of one interruption notice; a repeat of the notice joins the first. */
    public Mono<Boolean> failover(FailoverInput input) {
        String workflowId = WorkflowIds.failover(input.interruptedId(), input.noticeKey());
        return blocking(() -> {
            InterruptionFailoverWorkflow starter = client.newWorkflowStub(InterruptionFailoverWorkflow.class,
                    options(workflowId, input.interruptedId(), input.clientId(), "failover",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE));
            try {
                WorkflowClient.start(starter::failover, input);
                return true;
            } catch (WorkflowExecutionAlreadyStarted closed) {
                return false;
            }
        });
    }

    /** True while the workflow with this id runs. */
    public Mono<Boolean> isRunning(String workflowId) {
        return blocking(() -> {
            try {
                return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
                        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
            } catch (WorkflowNotFoundException e) {
                return false;
            }
        });
    }

    /** True when a workflow with this id ran or runs (within the namespace's retention). */
    public Mono<Boolean> exists(String workflowId) {
        return blocking(() -> {
            try {
                client.newUntypedWorkflowStub(workflowId).describe();
                return true;
            } catch (WorkflowNotFoundException e) {
                return false;
            }
        });
    }

    private WorkflowOptions options(String workflowId, String instanceId, String clientId, String state,
                                    WorkflowIdReusePolicy reuse) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(controlPlaneQueue)
                .setWorkflowIdReusePolicy(reuse)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.INSTANCE_ID, instanceId)
                        .set(SearchAttributes.CLIENT_ID, clientId)
                        .set(SearchAttributes.INSTANCE_STATE, state)
                        .build())
                .build();
    }

    private static <T> Mono<T> blocking(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }
}
