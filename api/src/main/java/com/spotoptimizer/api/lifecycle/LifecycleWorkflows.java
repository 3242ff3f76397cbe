package com.spotoptimizer.api.lifecycle;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.TaskQueues;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.temporal.spring.boot.autoconfigure.properties.TemporalProperties;
import java.util.concurrent.Callable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The API's side of the lifecycle workflows: start, update, signal. The Temporal client blocks, so
 * every call runs on boundedElastic, never on the event loop.
 */
@Component
public class LifecycleWorkflows {

    private final WorkflowClient client;
    private final String controlPlaneQueue;

    public LifecycleWorkflows(WorkflowClient client, TemporalProperties temporal) {
        this.client = client;
        this.controlPlaneQueue = temporal.getWorkers().stream()
                .filter(w -> TaskQueues.CONTROL_PLANE_WORKER.equals(w.getName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "spring.temporal.workers needs a worker named " + TaskQueues.CONTROL_PLANE_WORKER))
                .getTaskQueue();
    }

    public String controlPlaneQueue() {
        return controlPlaneQueue;
    }

    /**
     * Starts the launch (a duplicate joins the running one) and answers once the request is recorded.
     * Empty when the workflow already closed: the caller reads the row instead.
     */
    public Mono<InstanceSnapshot> launch(LaunchInstanceInput input) {
        String workflowId = WorkflowIds.launch(input.clientId(), input.requestId());
        return blocking(() -> {
            // Called only when no row has this request: a run that ended without recording it (it failed or was
            // terminated before its first step) must not make the request unlaunchable, so such a run is replaced.
            // A run that completed always recorded its row, so it is never started again.
            LaunchInstanceWorkflow starter = client.newWorkflowStub(LaunchInstanceWorkflow.class,
                    options(workflowId, input.instanceId(), input.clientId(), input.agentId(), "launching",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY));
            try {
                WorkflowClient.start(starter::launch, input);
            } catch (WorkflowExecutionAlreadyStarted closed) {
                return null;
            }
            return awaitRecordedLaunch(workflowId);
        });
    }

    /**
     * Starts the launch of a row whose workflow is gone, without waiting for it (its worker may not be up yet).
     * A launch workflow that failed may be started again; one that runs already is left as it is.
     */
    public Mono<Void> resumeLaunch(LaunchInstanceInput input) {
        String workflowId = WorkflowIds.launch(input.clientId(), input.requestId());
        return blocking(() -> {
            LaunchInstanceWorkflow starter = client.newWorkflowStub(LaunchInstanceWorkflow.class,
                    options(workflowId, input.instanceId(), input.clientId(), input.agentId(), "launching",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY));
            WorkflowClient.start(starter::launch, input);
            return null;
        }).then();
    }

    /** Starts the termination of a row whose workflow is gone, without waiting for it. */
    public Mono<Void> resumeTermination(TerminateInstanceInput input) {
        String workflowId = WorkflowIds.terminate(input.instanceId());
        return blocking(() -> {
            TerminateInstanceWorkflow starter = client.newWorkflowStub(TerminateInstanceWorkflow.class,
                    options(workflowId, input.instanceId(), input.clientId(), input.agentId(), "terminating",
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE));
            WorkflowClient.start(starter::terminate, input);
            return null;
        }).then();
    }

    /** Terminate while launching, through the launch workflow. Empty when the launch has already settled. */
    public Mono<InstanceSnapshot> terminateWhileLaunching(String clientId, String launchRequestId, TerminationRequest request) {
        return blocking(() -> {
            try {
                return client.newWorkflowStub(LaunchInstanceWorkflow.class, WorkflowIds.launch(clientId, launchRequestId))
                        .requestTermination(request);
            } catch (WorkflowUpdateException | WorkflowNotFoundException settled) {
                return null;
            }
        });
    }

    /** Starts (or joins) the termination of a settled instance and answers once it is recorded. */
    public Mono<InstanceSnapshot> terminate(TerminateInstanceInput input) {
        String workflowId = WorkflowIds.terminate(input.instanceId());
        return blocking(() -> {
            TerminateInstanceWorkflow starter = client.newWorkflowStub(TerminateInstanceWorkflow.class,
                    options(workflowId, input.instanceId(), input.clientId(), input.agentId(), "terminating",
                            // A termination that timed out may be requested again.
                            WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE));
            WorkflowClient.start(starter::terminate, input);
            try {
                return client.newWorkflowStub(TerminateInstanceWorkflow.class, workflowId).awaitRecorded();
            } catch (WorkflowNotFoundException closed) {
                return null;
            }
        });
    }

    /**
     * An HTTP agent's LAUNCH_CONFIRMED, answered by the launch workflow (an Update): whether it is the one
     * recorded. Empty when no launch workflow is open to take it; {@link ConfirmationPendingException} when the
     * workflow has not decided within {@code wait} (the agent sends it again; repeats are harmless).
     */
    public Mono<ConfirmationVerdict> submitLaunchConfirmation(String clientId, String launchRequestId,
                                                              LaunchConfirmation confirmation, Duration wait) {
        return submit(WorkflowIds.launch(clientId, launchRequestId), "submitLaunchConfirmation", confirmation, wait);
    }

    /** An HTTP agent's TERMINATE_CONFIRMED, answered by the termination workflow (see the launch's). */
    public Mono<ConfirmationVerdict> submitTerminationConfirmation(TerminationConfirmation confirmation, Duration wait) {
        return submit(WorkflowIds.terminate(confirmation.instanceId()), "submitTerminationConfirmation", confirmation,
                wait);
    }

    private Mono<ConfirmationVerdict> submit(String workflowId, String update, Object confirmation, Duration wait) {
        return blocking(() -> {
            try {
                WorkflowUpdateHandle<ConfirmationVerdict> handle = client.newUntypedWorkflowStub(workflowId)
                        .startUpdate(update, WorkflowUpdateStage.ACCEPTED, ConfirmationVerdict.class, confirmation);
                return handle.getResult(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (WorkflowNotFoundException closed) {
                return null;
            } catch (WorkflowUpdateTimeoutOrCancelledException slow) {
                throw new ConfirmationPendingException(workflowId);
            } catch (WorkflowServiceException e) {
                // The workflow closed while the update was in flight ("update not found").
                if (e.getCause() instanceof StatusRuntimeException grpc && grpc.getStatus().getCode() == Status.Code.NOT_FOUND) {
                    return null;
                }
                throw e;
            }
        }).timeout(wait.plusSeconds(5), Mono.error(() -> new ConfirmationPendingException(workflowId)));
    }

    /**
     * An HTTP agent's failed LAUNCH_INSTANCE result: the launch moves on to its next alternative (a capacity refusal)
     * or ends with EC2's reason.
     */
    public Mono<Boolean> reportLaunchRefused(String clientId, String launchRequestId, LaunchRefusal refusal) {
        return blocking(() -> {
            try {
                client.newWorkflowStub(LaunchInstanceWorkflow.class, WorkflowIds.launch(clientId, launchRequestId))
                        .reportLaunchRefused(refusal);
                return true;
            } catch (WorkflowNotFoundException closed) {
                return false;
            }
        });
    }

    /**
     * An HTTP agent leased the LAUNCH_INSTANCE command: that counts as its EC2 call, so the launch's confirmation
     * deadline runs from now. False: the launch is closed.
     */
    public Mono<Boolean> reportLaunchCallMade(String clientId, String launchRequestId, LaunchCallMade call) {
        return blocking(() -> {
            try {
                client.newWorkflowStub(LaunchInstanceWorkflow.class, WorkflowIds.launch(clientId, launchRequestId))
                        .launchCallMade(call);
                return true;
            } catch (WorkflowNotFoundException closed) {
                return false;
            }
        });
    }

    /**
     * An HTTP agent leased the TERMINATE_INSTANCE command: that counts as its EC2 call, so the termination's
     * confirmation deadline runs from now. False: the termination is closed.
     */
    public Mono<Boolean> reportTerminationCallMade(TerminationCallMade call) {
        return blocking(() -> {
            try {
                client.newWorkflowStub(TerminateInstanceWorkflow.class, WorkflowIds.terminate(call.instanceId()))
                        .terminationCallMade(call);
                return true;
            } catch (WorkflowNotFoundException closed) {
                return false;
            }
        });
    }

    /** An HTTP agent's failed TERMINATE_INSTANCE result ends the termination with EC2's reason. */
    public Mono<Boolean> reportTerminationRefused(Outcome outcome) {
        return blocking(() -> {
            try {
                client.newWorkflowStub(TerminateInstanceWorkflow.class, WorkflowIds.terminate(outcome.instanceId()))
                        .reportTerminationRefused(outcome);
                return true;
            } catch (WorkflowNotFoundException closed) {
                return false;
            }
        });
    }

    private InstanceSnapshot awaitRecordedLaunch(String workflowId) {
        try {
            return client.newWorkflowStub(LaunchInstanceWorkflow.class, workflowId).awaitRecorded();
        } catch (WorkflowNotFoundException closed) {
            return null;
        }
    }

    private WorkflowOptions options(String workflowId, String instanceId, String clientId, String agentId, String state,
                                    WorkflowIdReusePolicy reuse) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(controlPlaneQueue)
                .setWorkflowIdReusePolicy(reuse)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.INSTANCE_ID, instanceId)
                        .set(SearchAttributes.CLIENT_ID, clientId)
                        .set(SearchAttributes.AGENT_ID, agentId)
                        .set(SearchAttributes.INSTANCE_STATE, state)
                        .build())
                .build();
    }

    private static <T> Mono<T> blocking(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }
}
