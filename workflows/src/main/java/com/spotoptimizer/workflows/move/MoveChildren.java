package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.system.Deadlines.now;
import static com.spotoptimizer.workflows.system.Deadlines.remaining;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.launch.LaunchResult;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.system.SearchAttributes;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.terminate.TerminateResult;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The launch and the termination a move needs, run as child workflows of the existing
 * {@link LaunchInstanceWorkflow} and {@link TerminateInstanceWorkflow} (their rules, timeouts, ClientTokens and
 * priorities unchanged). Children are abandoned on the move's close: a launch or termination, once started, runs
 * to its own end. Each step first reads the row and skips work already done, so a resumed move (restarted after
 * its workflow was lost) never launches twice.
 */
final class MoveChildren {

    static final String LAUNCHING = "launching";
    static final String TERMINATING = "terminating";
    static final Set<String> RUNNING = Set.of("running_primary", "running_replica", "promoting");

    private final MoveActivities moves;

    MoveChildren(MoveActivities moves) {
        this.moves = moves;
    }

    /**
     * Launches (unless recorded already) and waits until the launch settles or {@code timeout} passes; answers the
     * row then (null when even the launch request was never recorded).
     */
    InstanceSnapshot launchAndAwait(LaunchInstanceInput input, Duration timeout) {
        Instant deadline = now().plus(timeout);
        InstanceSnapshot row = moves.getInstance(input.instanceId());
        if (row == null) {
            LaunchInstanceWorkflow child = Workflow.newChildWorkflowStub(LaunchInstanceWorkflow.class,
                    options(WorkflowIds.launch(input.clientId(), input.requestId()), input.instanceId(),
                            input.clientId(), input.agentId(), LAUNCHING));
            Promise<LaunchResult> launched = Async.function(child::launch, input);
            // Done when the launch is confirmed or refused; a timed-out launch keeps listening for a late
            // confirmation (and terminates what turns up), so the deadline decides then.
            Workflow.await(remaining(deadline), launched::isCompleted);
            row = moves.getInstance(input.instanceId());
        }
        return awaitLeaving(input.instanceId(), row, LAUNCHING, deadline);
    }

    /** Starts the launch without waiting for it to run (a failover's new replica). */
    void launchDetached(LaunchInstanceInput input) {
        LaunchInstanceWorkflow child = Workflow.newChildWorkflowStub(LaunchInstanceWorkflow.class,
                options(WorkflowIds.launch(input.clientId(), input.requestId()), input.instanceId(), input.clientId(),
                        input.agentId(), LAUNCHING));
        Async.function(child::launch, input);
        try {
            Workflow.getWorkflowExecution(child).get();
        } catch (RuntimeException alreadyStarted) {
            // Started before (a resumed move): it owns the launch.
        }
    }

    /**
     * Terminates and waits for the termination's outcome (its own 3-minute rule, plus a grace); answers the row
     * then. A termination of that instance already running (another request) is waited for instead.
     */
    InstanceSnapshot terminateAndAwait(TerminateInstanceInput input) {
        Instant deadline = now().plus(input.confirmationTimeout()).plus(MoveTimeouts.REPLACEMENT_GRACE);
        TerminateInstanceWorkflow child = Workflow.newChildWorkflowStub(TerminateInstanceWorkflow.class,
                options(WorkflowIds.terminate(input.instanceId()), input.instanceId(), input.clientId(),
                        input.agentId(), TERMINATING));
        Promise<TerminateResult> terminated = Async.function(child::terminate, input);
        Workflow.await(remaining(deadline), terminated::isCompleted);
        InstanceSnapshot row = moves.getInstance(input.instanceId());
        return awaitLeaving(input.instanceId(), row, TERMINATING, deadline);
    }

    /** Looks again every few seconds while the row is still {@code status}, until the deadline. */
    private InstanceSnapshot awaitLeaving(String instanceId, InstanceSnapshot row, String status, Instant deadline) {
        while (row != null && status.equals(row.status()) && remaining(deadline).compareTo(Duration.ZERO) > 0) {
            Duration left = remaining(deadline);
            Workflow.sleep(left.compareTo(MoveTimeouts.SETTLE_POLL) < 0 ? left : MoveTimeouts.SETTLE_POLL);
            row = moves.getInstance(instanceId);
        }
        return row;
    }

    private static ChildWorkflowOptions options(String workflowId, String instanceId, String clientId, String agentId,
                                                String state) {
        return ChildWorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setTypedSearchAttributes(io.temporal.common.SearchAttributes.newBuilder()
                        .set(SearchAttributes.INSTANCE_ID, instanceId)
                        .set(SearchAttributes.CLIENT_ID, clientId)
                        .set(SearchAttributes.AGENT_ID, agentId)
                        .set(SearchAttributes.INSTANCE_STATE, state)
                        .build())
                .build();
    }

    static boolean isRunning(InstanceSnapshot row) {
        return row != null && RUNNING.contains(row.status());
    }

    static String describe(InstanceSnapshot row) {
        if (row == null) {
            return "not recorded";
        }
        return row.status() + (row.failureReason() == null ? "" : " (" + row.failureReason() + ")");
    }
}
