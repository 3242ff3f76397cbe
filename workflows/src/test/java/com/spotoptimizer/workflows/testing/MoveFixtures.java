package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchTimeouts;
import com.spotoptimizer.workflows.move.DemoteTo;
import com.spotoptimizer.workflows.move.FailoverInput;
import com.spotoptimizer.workflows.move.InterruptionFailoverWorkflow;
import com.spotoptimizer.workflows.move.MoveCommand;
import com.spotoptimizer.workflows.move.MoveTimeouts;
import com.spotoptimizer.workflows.move.PromoteInstanceInput;
import com.spotoptimizer.workflows.move.PromoteInstanceWorkflow;
import com.spotoptimizer.workflows.move.SwitchInstanceInput;
import com.spotoptimizer.workflows.move.SwitchInstanceWorkflow;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateTimeouts;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Instant;
import java.util.UUID;

/** Rows and inputs for the moves, built the way the API builds them (derived request ids, priorities). */
public final class MoveFixtures {

    private final WorkflowTestHarness h;

    public MoveFixtures(WorkflowTestHarness h) {
        this.h = h;
    }

    /** A primary that runs (in the fake EC2 too, so its termination can be proven). */
    public LaunchInstanceInput runningPrimary(Transport transport) {
        return running(transport, "primary", Statuses.RUNNING_PRIMARY);
    }

    /** A replica that runs and stands in for {@code primary}. */
    public LaunchInstanceInput runningReplicaOf(LaunchInstanceInput primary) {
        LaunchInstanceInput replica = running(primary.transport(), "replica", Statuses.RUNNING_REPLICA);
        h.moves.attach(replica.instanceId(), primary.instanceId());
        return replica;
    }

    private LaunchInstanceInput running(Transport transport, String role, String status) {
        LaunchInstanceInput input = h.launchInput(transport, role);
        String ec2 = h.agent.runInstances(ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()));
        h.lifecycle.seed(input, status, ec2);
        return input;
    }

    public String ec2Of(LaunchInstanceInput input) {
        return h.lifecycle.row(input.instanceId()).ec2InstanceId();
    }

    // ---- switch ------------------------------------------------------------------------------

    public SwitchInstanceInput switchInput(LaunchInstanceInput old, String commandType, int priority, String requestId,
                                           Instant notBefore) {
        String commandId = "cmd-" + UUID.nameUUIDFromBytes((old.agentId() + "/" + requestId).getBytes());
        MoveCommand command = new MoveCommand(commandId, old.clientId(), old.agentId(), old.transport(),
                old.instanceId(), commandType, priority, requestId,
                "{\"instance_id\":\"" + old.instanceId() + "\",\"target\":{\"instance_type\":\"m6i.large\"}}",
                h.now(), notBefore);
        LaunchInstanceInput replacement = replacement(old, requestId + "-replacement", "replica", "m6i.large", priority);
        return new SwitchInstanceInput(command, old.instanceId(), replacement,
                termination(old, requestId + "-old", "switched: replaced", priority),
                LaunchTimeouts.CONFIRMATION.plus(MoveTimeouts.REPLACEMENT_GRACE));
    }

    public LaunchInstanceInput replacement(LaunchInstanceInput old, String requestId, String role, String type,
                                           int priority) {
        return new LaunchInstanceInput(UUID.nameUUIDFromBytes(("instance/" + old.clientId() + "/" + requestId)
                .getBytes()).toString(), old.clientId(), old.agentId(), old.transport(), old.agentTaskQueue(), requestId,
                "sha256:" + requestId, type, role, old.spec(), "{\"replica_of\":\"" + old.instanceId() + "\"}",
                h.now(), LaunchTimeouts.CONFIRMATION, LaunchTimeouts.LATE_CONFIRMATION_WINDOW,
                TerminateTimeouts.CONFIRMATION, priority);
    }

    public TerminateInstanceInput termination(LaunchInstanceInput old, String requestId, String reason, int priority) {
        return new TerminateInstanceInput(old.instanceId(), old.clientId(), old.agentId(), old.transport(),
                old.agentTaskQueue(), old.requestId(), old.instanceType(), requestId, reason, h.now(),
                TerminateTimeouts.CONFIRMATION, priority);
    }

    public SwitchInstanceWorkflow startSwitch(SwitchInstanceInput input) {
        SwitchInstanceWorkflow workflow = h.client.newWorkflowStub(SwitchInstanceWorkflow.class,
                options(WorkflowIds.move(input.command().clientId(), input.command().requestId())));
        WorkflowClient.start(workflow::switchInstance, input);
        return workflow;
    }

    public SwitchInstanceWorkflow switchStub(SwitchInstanceInput input) {
        return h.client.newWorkflowStub(SwitchInstanceWorkflow.class,
                WorkflowIds.move(input.command().clientId(), input.command().requestId()));
    }

    // ---- promote -----------------------------------------------------------------------------

    public PromoteInstanceInput promoteInput(LaunchInstanceInput replica, LaunchInstanceInput oldPrimary,
                                             DemoteTo demoteTo, String requestId) {
        return new PromoteInstanceInput(replica.clientId(), requestId, replica.instanceId(),
                oldPrimary == null ? null : oldPrimary.instanceId(), demoteTo,
                oldPrimary == null || demoteTo != DemoteTo.TERMINATED ? null
                        : termination(oldPrimary, requestId + "-old", "demoted to terminated", CommandPriority.CRITICAL));
    }

    public PromoteInstanceWorkflow startPromote(PromoteInstanceInput input) {
        PromoteInstanceWorkflow workflow = h.client.newWorkflowStub(PromoteInstanceWorkflow.class,
                options(WorkflowIds.promote(input.clientId(), input.requestId())));
        WorkflowClient.start(workflow::promote, input);
        return workflow;
    }

    // ---- failover ----------------------------------------------------------------------------

    public FailoverInput failoverInput(LaunchInstanceInput primary, LaunchInstanceInput replica, Instant actionTime) {
        String key = Long.toString(actionTime.getEpochSecond());
        String base = "failover-" + primary.instanceId().substring(0, 8) + "-" + key;
        return new FailoverInput(primary.clientId(), primary.instanceId(), key, actionTime,
                replica == null ? null : replica.instanceId(),
                replica == null ? null : replacement(replica, base + "-replica", "replica", primary.instanceType(),
                        CommandPriority.CRITICAL),
                replacement(primary, base + "-primary", "primary", primary.instanceType(), CommandPriority.CRITICAL),
                termination(primary, base + "-interrupted", "spot interruption: past its action time",
                        CommandPriority.CRITICAL));
    }

    public InterruptionFailoverWorkflow startFailover(FailoverInput input) {
        InterruptionFailoverWorkflow workflow = h.client.newWorkflowStub(InterruptionFailoverWorkflow.class,
                options(WorkflowIds.failover(input.interruptedId(), input.noticeKey())));
        WorkflowClient.start(workflow::failover, input);
        return workflow;
    }

    private WorkflowOptions options(String workflowId) {
        return WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(WorkflowTestHarness.CONTROL_PLANE_QUEUE)
                .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .build();
    }
}
