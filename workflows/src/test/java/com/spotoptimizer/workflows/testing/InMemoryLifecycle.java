package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import com.spotoptimizer.workflows.system.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The instance row, its commands and its events in memory, with the state machine and the idempotency
 * of the database implementation ({@code InstanceTransitions} in {@code db}): a transition that already
 * happened returns the row unchanged and writes nothing. Every call is recorded so a test can assert
 * the sequence; a transition the state machine forbids fails the activity without retry, so a workflow
 * bug shows up as a failed workflow rather than a silently wrong row.
 */
public final class InMemoryLifecycle implements LifecycleActivities {

    /** One activity call: which method, on which instance, whether it changed the row, and the status after. */
    public record Call(String method, String instanceId, boolean changed, String status) {
    }

    /** An outbox row: written in the same step as the transition that caused it. */
    public record Event(String type, String instanceId, String status, String reason, long version) {
    }

    /** A command row for the agent (HTTP agents poll QUEUED ones; Temporal ones are DISPATCHED). */
    public record Command(String commandId, String type, String instanceId, String requestId, String status) {
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<String, String> instanceByRequest = new LinkedHashMap<>();
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Set<String> waitingAtGate = ConcurrentHashMap.newKeySet();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    // ---- LifecycleActivities ------------------------------------------------------------------

    private final List<com.spotoptimizer.workflows.agent.LaunchCommand> httpAttemptCommands = new ArrayList<>();

    @Override
    public InstanceSnapshot recordLaunchRequested(LaunchInstanceInput input) {
        passGate("recordLaunchRequested");
        synchronized (this) {
            String existing = instanceByRequest.get(input.clientId() + "/" + input.requestId());
            if (existing != null) {
                return unchanged("recordLaunchRequested", rows.get(existing));
            }
            Row row = new Row(input);
            rows.put(row.instanceId, row);
            instanceByRequest.put(input.clientId() + "/" + input.requestId(), row.instanceId);
            commands.put(launchCommandId(row.instanceId), new Command(launchCommandId(row.instanceId),
                    "LAUNCH_INSTANCE", row.instanceId, row.requestId,
                    input.transport() == Transport.TEMPORAL ? "DISPATCHED" : "QUEUED"));
            return changed("recordLaunchRequested", row, null);
        }
    }

    @Override
    public InstanceSnapshot recordLaunchConfirmed(LaunchConfirmation confirmation) {
        passGate("recordLaunchConfirmed");
        synchronized (this) {
            Row row = find(confirmation.instanceId());
            refuseIdOfAnotherRow(row, confirmation.ec2InstanceId());
            if (row.status.equals(Statuses.LAUNCHING)) {
                row.attachLaunch(confirmation);
                move(row, "replica".equals(row.role) ? Statuses.RUNNING_REPLICA : Statuses.RUNNING_PRIMARY, null);
                closeLaunchCommands(row, "COMPLETED");
                return changed("recordLaunchConfirmed", row, null);
            }
            boolean awaitingId = row.ec2InstanceId == null && Set.of(Statuses.TERMINATING,
                    Statuses.LAUNCH_TIMED_OUT, Statuses.LAUNCH_FAILED).contains(row.status);
            if (awaitingId) {
                row.attachLaunch(confirmation);
                row.version++;
                closeLaunchCommands(row, "COMPLETED");
                return changed("recordLaunchConfirmed", row, "launch confirmed late as " + confirmation.ec2InstanceId());
            }
            return unchanged("recordLaunchConfirmed", row);
        }
    }

    @Override
    public InstanceSnapshot recordLaunchFailed(Outcome outcome) {
        return settleLaunch("recordLaunchFailed", outcome, Statuses.LAUNCH_FAILED, "FAILED");
    }

    @Override
    public InstanceSnapshot recordLaunchQueued(LaunchQueued queued) {
        passGate("recordLaunchQueued");
        synchronized (this) {
            Row row = find(queued.instanceId());
            if (!row.status.equals(Statuses.LAUNCHING) || row.launchCallAt != null
                    || queued.reason().equals(row.launchQueuedReason)) {
                return unchanged("recordLaunchQueued", row);
            }
            row.launchQueuedReason = queued.reason();
            row.version++;
            events.add(new Event("INSTANCE_LAUNCH_QUEUED", row.instanceId, row.status, queued.reason(), row.version));
            calls.add(new Call("recordLaunchQueued", row.instanceId, true, row.status));
            return row.snapshot();
        }
    }

    @Override
    public InstanceSnapshot recordLaunchCallMade(LaunchCallMade call) {
        passGate("recordLaunchCallMade");
        synchronized (this) {
            Row row = find(call.instanceId());
            if (!row.status.equals(Statuses.LAUNCHING) || row.launchCallAt != null) {
                return unchanged("recordLaunchCallMade", row);
            }
            row.launchCallAt = call.madeAt();
            boolean wasQueued = row.launchQueuedReason != null;
            row.launchQueuedReason = null;
            row.version++;
            if (wasQueued) {
                events.add(new Event("INSTANCE_LAUNCH_CALL_MADE", row.instanceId, row.status, null, row.version));
            }
            calls.add(new Call("recordLaunchCallMade", row.instanceId, true, row.status));
            return row.snapshot();
        }
    }

    @Override
    public InstanceSnapshot recordLaunchAttempt(LaunchAttempt attempt) {
        passGate("recordLaunchAttempt");
        synchronized (this) {
            Row row = find(attempt.instanceId());
            if (!row.status.equals(Statuses.LAUNCHING)) {
                return unchanged("recordLaunchAttempt", row);
            }
            row.launchedWith = attempt.instanceType() == null ? null
                    : attempt.instanceType() + "/" + attempt.subnetId();
            if (attempt.instanceType() != null) {
                row.instanceType = attempt.instanceType();
            }
            row.skipped = List.copyOf(attempt.skipped());
            row.version++;
            if (attempt.httpCommand() != null) {
                closeLaunchCommands(row, "FAILED");
                String id = launchCommandId(row.instanceId) + "-attempt-" + attempt.attempt();
                commands.put(id, new Command(id, "LAUNCH_INSTANCE", row.instanceId, row.requestId, "QUEUED"));
                httpAttemptCommands.add(attempt.httpCommand());
            }
            if (attempt.attempt() > 0) {
                events.add(new Event("INSTANCE_LAUNCH_ATTEMPT", row.instanceId, row.status,
                        attempt.skipped().get(attempt.skipped().size() - 1).reason(), row.version));
            }
            calls.add(new Call("recordLaunchAttempt", row.instanceId, true, row.status));
            return row.snapshot();
        }
    }

    /** "type/subnet" of the attempt the row says runs (null: none). */
    public synchronized String launchedWith(String instanceId) {
        return find(instanceId).launchedWith;
    }

    public synchronized List<LaunchAttempt.SkippedAlternative> skipped(String instanceId) {
        return find(instanceId).skipped;
    }

    /** The row's launch_call_at (null until the agent's call is recorded). */
    public synchronized Instant launchCallAt(String instanceId) {
        return find(instanceId).launchCallAt;
    }

    public synchronized String launchQueuedReason(String instanceId) {
        return find(instanceId).launchQueuedReason;
    }

    @Override
    public InstanceSnapshot recordLaunchTimedOut(Outcome outcome) {
        return settleLaunch("recordLaunchTimedOut", outcome, Statuses.LAUNCH_TIMED_OUT, "CANCELLED");
    }

    @Override
    public InstanceSnapshot recordTerminationRequestedWhileLaunching(TerminateInstanceInput input) {
        passGate("recordTerminationRequestedWhileLaunching");
        synchronized (this) {
            Row row = find(input.instanceId());
            if (!row.status.equals(Statuses.LAUNCHING)) {
                return unchanged("recordTerminationRequestedWhileLaunching", row);
            }
            row.terminationRequestId = input.requestId();
            row.terminationRequestedAt = input.requestedAt();
            move(row, Statuses.TERMINATING, null);
            return changed("recordTerminationRequestedWhileLaunching", row, input.reason());
        }
    }

    @Override
    public InstanceSnapshot recordTerminationRequested(TerminateInstanceInput input) {
        passGate("recordTerminationRequested");
        synchronized (this) {
            Row row = find(input.instanceId());
            if (row.status.equals(Statuses.TERMINATED)) {
                return unchanged("recordTerminationRequested", row);
            }
            if (row.status.equals(Statuses.TERMINATING)) {
                // The hand-over from a launch: make sure the command exists, change nothing else.
                queueTermination(row, input);
                return unchanged("recordTerminationRequested", row);
            }
            row.terminationRequestId = input.requestId();
            row.terminationRequestedAt = input.requestedAt();
            move(row, Statuses.TERMINATING, null);
            queueTermination(row, input);
            return changed("recordTerminationRequested", row, input.reason());
        }
    }

    @Override
    public InstanceSnapshot recordTerminated(TerminationConfirmation confirmation) {
        passGate("recordTerminated");
        synchronized (this) {
            Row row = find(confirmation.instanceId());
            if (!row.status.equals(Statuses.TERMINATING)) {
                return unchanged("recordTerminated", row);
            }
            if (row.ec2InstanceId != null && confirmation.ec2InstanceId() != null
                    && !row.ec2InstanceId.equals(confirmation.ec2InstanceId())) {
                throw conflict(row.ec2InstanceId + " is recorded for " + row.instanceId + ", not "
                        + confirmation.ec2InstanceId());
            }
            refuseIdOfAnotherRow(row, confirmation.ec2InstanceId());
            if (row.ec2InstanceId == null) {
                row.ec2InstanceId = confirmation.ec2InstanceId();
            }
            row.terminationConfirmedAt = confirmation.confirmedAt();
            row.terminationDuration = between(row.terminationRequestedAt, confirmation.confirmedAt());
            move(row, Statuses.TERMINATED, null);
            closeCommand(terminateCommandId(row), "COMPLETED");
            return changed("recordTerminated", row, null);
        }
    }

    @Override
    public InstanceSnapshot recordTerminationFailed(Outcome outcome) {
        return settleTermination("recordTerminationFailed", outcome, Statuses.TERMINATION_FAILED, "FAILED");
    }

    @Override
    public InstanceSnapshot recordTerminationTimedOut(Outcome outcome) {
        return settleTermination("recordTerminationTimedOut", outcome, Statuses.TERMINATION_TIMED_OUT, "CANCELLED");
    }

    /** As the database's unique EC2 id: one EC2 instance belongs to at most one row. */
    private void refuseIdOfAnotherRow(Row row, String ec2InstanceId) {
        for (Row other : rows.values()) {
            if (other != row && ec2InstanceId != null && ec2InstanceId.equals(other.ec2InstanceId)) {
                throw conflict(ec2InstanceId + " belongs to instance " + other.instanceId);
            }
        }
    }

    private static ApplicationFailure conflict(String message) {
        return ApplicationFailure.newNonRetryableFailure(message, FailureTypes.CONFIRMATION_CONFLICT);
    }

    // ---- what tests read and set up -----------------------------------------------------------

    public synchronized InstanceSnapshot row(String instanceId) {
        return find(instanceId).snapshot();
    }

    public synchronized List<Call> calls(String instanceId) {
        return calls.stream().filter(c -> c.instanceId().equals(instanceId)).toList();
    }

    /** The lifecycle methods called for this instance, in order, repeats included. */
    public synchronized List<String> methods(String instanceId) {
        return calls(instanceId).stream().map(Call::method).toList();
    }

    public synchronized List<Event> events(String instanceId) {
        return events.stream().filter(e -> e.instanceId().equals(instanceId)).toList();
    }

    public synchronized List<Command> commands(String instanceId) {
        return commands.values().stream().filter(c -> c.instanceId().equals(instanceId)).toList();
    }

    public synchronized Duration launchDuration(String instanceId) {
        return find(instanceId).launchDuration;
    }

    /** A row as the database would hold it after earlier workflows (for termination tests). */
    public synchronized void seed(LaunchInstanceInput launch, String status, String ec2InstanceId) {
        Row row = new Row(launch);
        row.status = status;
        row.ec2InstanceId = ec2InstanceId;
        rows.put(row.instanceId, row);
        instanceByRequest.put(launch.clientId() + "/" + launch.requestId(), row.instanceId);
    }

    /** EC2 ended the instance without us (spot reclaim): ground truth makes the row terminated. */
    public synchronized void endedOutside(String instanceId, String reason) {
        Row row = find(instanceId);
        move(row, Statuses.TERMINATED, reason);
        changed("endedOutside", row, reason);
    }

    /** Every call of {@code method} fails as a database outage would (a retryable failure). */
    public void failAlways(String method) {
        failing.add(method);
    }

    /** The next calls of {@code method} block until {@link #release}: lets a test act while one is in flight. */
    public void hold(String method) {
        gates.put(method, new CountDownLatch(1));
    }

    public void release(String method) {
        CountDownLatch gate = gates.remove(method);
        if (gate != null) {
            gate.countDown();
        }
    }

    public synchronized boolean wasCalled(String instanceId, String method) {
        return methods(instanceId).contains(method);
    }

    // ---- internals ----------------------------------------------------------------------------

    void passGate(String method) {
        if (failing.contains(method)) {
            throw new IllegalStateException("database unavailable (" + method + ")");
        }
        CountDownLatch gate = gates.get(method);
        if (gate == null) {
            return;
        }
        waitingAtGate.add(method);
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(method + " held for 30 s: the test never released it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            waitingAtGate.remove(method);
        }
    }

    /** True while a call of {@code method} waits at its gate. */
    public boolean isHeld(String method) {
        return waitingAtGate.contains(method);
    }

    private InstanceSnapshot settleLaunch(String method, Outcome outcome, String target, String commandStatus) {
        passGate(method);
        synchronized (this) {
            Row row = find(outcome.instanceId());
            if (!row.status.equals(Statuses.LAUNCHING)) {
                return unchanged(method, row);
            }
            move(row, target, outcome.reason());
            closeLaunchCommands(row, commandStatus);
            return changed(method, row, outcome.reason());
        }
    }

    private InstanceSnapshot settleTermination(String method, Outcome outcome, String target, String commandStatus) {
        passGate(method);
        synchronized (this) {
            Row row = find(outcome.instanceId());
            if (!row.status.equals(Statuses.TERMINATING)) {
                return unchanged(method, row);
            }
            move(row, target, outcome.reason());
            closeCommand(terminateCommandId(row), commandStatus);
            return changed(method, row, outcome.reason());
        }
    }

    void move(Row row, String target, String failureReason) {
        if (!Statuses.canMove(row.status, target)) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "transition " + row.status + " -> " + target + " is not allowed", "TransitionNotAllowed");
        }
        row.status = target;
        row.failureReason = failureReason;
        row.version++;
    }

    private void queueTermination(Row row, TerminateInstanceInput input) {
        String id = terminateCommandId(row);
        commands.putIfAbsent(id, new Command(id, "TERMINATE_INSTANCE", row.instanceId, row.terminationRequestId,
                input.transport() == Transport.TEMPORAL ? "DISPATCHED" : "QUEUED"));
    }

    /** Every open LAUNCH_INSTANCE command of the row: the first attempt's and an HTTP agent's later ones. */
    private void closeLaunchCommands(Row row, String status) {
        commands.replaceAll((id, c) -> c.instanceId().equals(row.instanceId) && c.type().equals("LAUNCH_INSTANCE")
                && (c.status().equals("QUEUED") || c.status().equals("DISPATCHED"))
                ? new Command(id, c.type(), c.instanceId(), c.requestId(), status) : c);
    }

    /** The commands queued for an HTTP agent's later launch attempts, in order. */
    public synchronized List<com.spotoptimizer.workflows.agent.LaunchCommand> httpAttemptCommands() {
        return List.copyOf(httpAttemptCommands);
    }

    private void closeCommand(String commandId, String status) {
        commands.computeIfPresent(commandId, (id, c) -> new Command(id, c.type(), c.instanceId(), c.requestId(), status));
    }

    private InstanceSnapshot changed(String method, Row row, String reason) {
        return changed(method, row, reason, Statuses.eventType(row.status));
    }

    InstanceSnapshot changed(String method, Row row, String reason, String eventType) {
        events.add(new Event(eventType, row.instanceId, row.status, reason, row.version));
        calls.add(new Call(method, row.instanceId, true, row.status));
        return row.snapshot();
    }

    InstanceSnapshot unchanged(String method, Row row) {
        calls.add(new Call(method, row.instanceId, false, row.status));
        return row.snapshot();
    }

    /** The row, or null; call under the lifecycle's lock. */
    Row rowOrNull(String instanceId) {
        return rows.get(instanceId);
    }

    /** Every row; call under the lifecycle's lock. */
    java.util.Collection<Row> allRows() {
        return rows.values();
    }

    Row find(String instanceId) {
        Row row = rows.get(instanceId);
        if (row == null) {
            throw ApplicationFailure.newNonRetryableFailure("no instance " + instanceId, "InstanceNotFound");
        }
        return row;
    }

    private static String launchCommandId(String instanceId) {
        return "launch-" + instanceId;
    }

    private static String terminateCommandId(Row row) {
        return "terminate-" + row.instanceId + "-" + row.terminationRequestId;
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to);
    }

    /** The mutable row; only touched under the lifecycle's lock. */
    static final class Row {
        String launchedWith;
        List<LaunchAttempt.SkippedAlternative> skipped = List.of();
        Instant launchCallAt;
        String launchQueuedReason;
        final String instanceId;
        final String clientId;
        final String agentId;
        final String requestId;
        final String requestFingerprint;
        String instanceType;
        String role;
        String replicaOf;
        final Instant launchRequestedAt;
        String ec2InstanceId;
        String status = Statuses.LAUNCHING;
        String failureReason;
        Duration launchDuration;
        String terminationRequestId;
        Instant terminationRequestedAt;
        Instant terminationConfirmedAt;
        Duration terminationDuration;
        long version;

        Row(LaunchInstanceInput input) {
            instanceId = input.instanceId();
            clientId = input.clientId();
            agentId = input.agentId();
            requestId = input.requestId();
            requestFingerprint = input.requestFingerprint();
            instanceType = input.instanceType();
            role = input.role();
            launchRequestedAt = input.requestedAt();
        }

        void attachLaunch(LaunchConfirmation confirmation) {
            ec2InstanceId = confirmation.ec2InstanceId();
            launchDuration = between(launchRequestedAt, confirmation.confirmedAt());
        }

        InstanceSnapshot snapshot() {
            return new InstanceSnapshot(instanceId, ec2InstanceId, clientId, agentId, requestId, requestFingerprint,
                    instanceType, role, status, failureReason, launchRequestedAt, terminationRequestedAt, version);
        }
    }
}
