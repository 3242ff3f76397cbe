package com.spotoptimizer.agent.testing;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The control plane's instance rows in memory, enough of the state machine for the real launch and
 * termination workflows to run against the real agent. Records the confirmations the agent's signals
 * carried, so a test can compare them with the simulator's ground truth.
 */
public final class FakeLifecycle implements LifecycleActivities {

    private final Map<String, InstanceSnapshot> rows = new ConcurrentHashMap<>();
    private final List<LaunchConfirmation> launchConfirmations = new CopyOnWriteArrayList<>();
    private final List<TerminationConfirmation> terminationConfirmations = new CopyOnWriteArrayList<>();
    private final List<LaunchQueued> launchQueued = new CopyOnWriteArrayList<>();
    private final List<LaunchCallMade> launchCalls = new CopyOnWriteArrayList<>();

    @Override
    public synchronized InstanceSnapshot recordLaunchRequested(LaunchInstanceInput input) {
        return rows.computeIfAbsent(input.instanceId(), id -> new InstanceSnapshot(id, null, input.clientId(),
                input.agentId(), input.requestId(), input.requestFingerprint(), input.instanceType(), input.role(),
                "launching", null, input.requestedAt(), null, 1));
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchConfirmed(LaunchConfirmation confirmation) {
        launchConfirmations.add(confirmation);
        InstanceSnapshot row = find(confirmation.instanceId());
        if (row.status().equals("launching")) {
            return put(row, "replica".equals(row.role()) ? "running_replica" : "running_primary",
                    confirmation.ec2InstanceId(), null);
        }
        return row.ec2InstanceId() == null ? put(row, row.status(), confirmation.ec2InstanceId(), row.failureReason())
                : row;
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchQueued(LaunchQueued queued) {
        launchQueued.add(queued);
        return find(queued.instanceId());
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchCallMade(LaunchCallMade call) {
        launchCalls.add(call);
        return find(call.instanceId());
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchAttempt(LaunchAttempt attempt) {
        return find(attempt.instanceId());
    }

    /** The queue reasons the workflow recorded, in order. */
    public List<LaunchQueued> launchQueued() {
        return List.copyOf(launchQueued);
    }

    /** The EC2 calls the workflow recorded, in order. */
    public List<LaunchCallMade> launchCalls() {
        return List.copyOf(launchCalls);
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchFailed(Outcome outcome) {
        return settle(outcome, "launching", "launch_failed");
    }

    @Override
    public synchronized InstanceSnapshot recordLaunchTimedOut(Outcome outcome) {
        return settle(outcome, "launching", "launch_timed_out");
    }

    @Override
    public synchronized InstanceSnapshot recordTerminationRequestedWhileLaunching(TerminateInstanceInput input) {
        InstanceSnapshot row = find(input.instanceId());
        return row.status().equals("launching") ? put(row, "terminating", row.ec2InstanceId(), null) : row;
    }

    @Override
    public synchronized InstanceSnapshot recordTerminationRequested(TerminateInstanceInput input) {
        InstanceSnapshot row = find(input.instanceId());
        return row.status().equals("terminated") || row.status().equals("terminating") ? row
                : put(row, "terminating", row.ec2InstanceId(), null);
    }

    @Override
    public synchronized InstanceSnapshot recordTerminated(TerminationConfirmation confirmation) {
        terminationConfirmations.add(confirmation);
        InstanceSnapshot row = find(confirmation.instanceId());
        if (!row.status().equals("terminating")) {
            return row;
        }
        return put(row, "terminated", row.ec2InstanceId() == null ? confirmation.ec2InstanceId() : row.ec2InstanceId(),
                null);
    }

    @Override
    public synchronized InstanceSnapshot recordTerminationFailed(Outcome outcome) {
        return settle(outcome, "terminating", "termination_failed");
    }

    @Override
    public synchronized InstanceSnapshot recordTerminationTimedOut(Outcome outcome) {
        return settle(outcome, "terminating", "termination_timed_out");
    }

    /** A row as an earlier workflow left it (e.g. a launch that never confirmed). */
    public synchronized void seed(String instanceId, String clientId, String requestId, String instanceType,
                                  String status, String ec2InstanceId) {
        rows.put(instanceId, new InstanceSnapshot(instanceId, ec2InstanceId, clientId, AgentTestEnvironment.AGENT_ID,
                requestId, "fingerprint", instanceType, "primary", status, null, Instant.now(), null, 1));
    }

    public InstanceSnapshot row(String instanceId) {
        return rows.get(instanceId);
    }

    public String status(String instanceId) {
        InstanceSnapshot row = rows.get(instanceId);
        return row == null ? null : row.status();
    }

    public List<LaunchConfirmation> launchConfirmations(String instanceId) {
        return launchConfirmations.stream().filter(c -> c.instanceId().equals(instanceId)).toList();
    }

    public List<TerminationConfirmation> terminationConfirmations(String instanceId) {
        return terminationConfirmations.stream().filter(c -> c.instanceId().equals(instanceId)).toList();
    }

    private InstanceSnapshot settle(Outcome outcome, String from, String to) {
        InstanceSnapshot row = find(outcome.instanceId());
        return row.status().equals(from) ? put(row, to, row.ec2InstanceId(), outcome.reason()) : row;
    }

    private InstanceSnapshot put(InstanceSnapshot row, String status, String ec2InstanceId, String reason) {
        InstanceSnapshot next = new InstanceSnapshot(row.instanceId(), ec2InstanceId, row.clientId(), row.agentId(),
                row.requestId(), row.requestFingerprint(), row.instanceType(), row.role(), status, reason,
                row.launchRequestedAt(), row.terminationRequestedAt(), row.version() + 1);
        rows.put(row.instanceId(), next);
        return next;
    }

    private InstanceSnapshot find(String instanceId) {
        InstanceSnapshot row = rows.get(instanceId);
        if (row == null) {
            throw ApplicationFailure.newNonRetryableFailure("no instance " + instanceId, "InstanceNotFound");
        }
        return row;
    }
}
