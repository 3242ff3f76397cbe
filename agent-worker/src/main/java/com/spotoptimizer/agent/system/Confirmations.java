package com.spotoptimizer.agent.system;

import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAUNCH_CONFIRMED and TERMINATE_CONFIRMED: the signals that tell a lifecycle workflow what EC2 reports.
 * A workflow that already closed (it gave up, or a repeat) makes a signal moot, not an error; any other
 * failure propagates so the caller tries again on its next poll (repeats change nothing).
 */
public final class Confirmations {

    private static final Logger log = LoggerFactory.getLogger(Confirmations.class);

    private final WorkflowClient client;
    private final String agentId;
    private final Clock clock;

    public Confirmations(WorkflowClient client, String agentId, Clock clock) {
        this.client = client;
        this.agentId = agentId;
        this.clock = clock;
    }

    public void launched(String workflowId, String instanceId, String ec2InstanceId) {
        try {
            client.newWorkflowStub(LaunchInstanceWorkflow.class, workflowId)
                    .confirmLaunched(new LaunchConfirmation(instanceId, agentId, ec2InstanceId, clock.instant()));
            log.info("Launch confirmed instance_id={} ec2_instance_id={} workflow_id={}", instanceId, ec2InstanceId,
                    workflowId);
        } catch (WorkflowNotFoundException e) {
            log.info("Launch confirmation found no open workflow instance_id={} ec2_instance_id={} workflow_id={}",
                    instanceId, ec2InstanceId, workflowId);
        }
    }

    /**
     * The agent makes its EC2 call for this launch attempt now: the workflow's confirmation deadline runs from here.
     * Best effort, like every progress report: a failure is logged, never thrown (the call must not wait on it; the
     * workflow then keeps its bound).
     */
    public void launchCallMade(String workflowId, String instanceId, int attempt) {
        progress("launch call", instanceId, workflowId, () -> client.newWorkflowStub(LaunchInstanceWorkflow.class,
                workflowId).launchCallMade(new LaunchCallMade(instanceId, agentId, clock.instant(), attempt)));
    }

    /** The launch attempt waits for its EC2 turn, for {@code reason}. */
    public void launchQueued(String workflowId, String instanceId, int attempt, String reason) {
        progress("launch queue status", instanceId, workflowId, () -> client.newWorkflowStub(
                LaunchInstanceWorkflow.class, workflowId).launchQueued(
                new LaunchQueued(instanceId, agentId, reason, clock.instant(), attempt)));
    }

    /** The agent makes its EC2 call for this termination now: the workflow's confirmation deadline runs from here. */
    public void terminationCallMade(String workflowId, String instanceId) {
        progress("termination call", instanceId, workflowId, () -> client.newWorkflowStub(
                TerminateInstanceWorkflow.class, workflowId).terminationCallMade(
                new TerminationCallMade(instanceId, agentId, clock.instant())));
    }

    /** The termination waits for its TerminateInstances turn, for {@code reason}. */
    public void terminationQueued(String workflowId, String instanceId, String reason) {
        progress("termination queue status", instanceId, workflowId, () -> client.newWorkflowStub(
                TerminateInstanceWorkflow.class, workflowId).terminationQueued(
                new TerminationQueued(instanceId, agentId, reason, clock.instant())));
    }

    private static void progress(String what, String instanceId, String workflowId, Runnable signal) {
        try {
            signal.run();
        } catch (RuntimeException e) {
            log.warn("Progress not reported report={} instance_id={} workflow_id={} error={}", what, instanceId,
                    workflowId, e.toString());
        }
    }

    public void terminated(String workflowId, String instanceId, String ec2InstanceId) {
        try {
            client.newWorkflowStub(TerminateInstanceWorkflow.class, workflowId)
                    .confirmTerminated(new TerminationConfirmation(instanceId, agentId, ec2InstanceId, clock.instant()));
            log.info("Termination confirmed instance_id={} ec2_instance_id={} workflow_id={}", instanceId,
                    ec2InstanceId, workflowId);
        } catch (WorkflowNotFoundException e) {
            log.info("Termination confirmation found no open workflow instance_id={} ec2_instance_id={} workflow_id={}",
                    instanceId, ec2InstanceId, workflowId);
        }
    }

    public Clock clock() {
        return clock;
    }
}
