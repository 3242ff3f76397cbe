package com.spotoptimizer.workflows.testing;

import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.await;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.launchWorkflowId;
import static com.spotoptimizer.workflows.testing.WorkflowTestHarness.result;

import com.spotoptimizer.workflows.agent.CommandPriority;
import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.move.DemoteTo;
import com.spotoptimizer.workflows.move.FailoverInput;
import com.spotoptimizer.workflows.move.MoveResult;
import com.spotoptimizer.workflows.move.SwitchInstanceInput;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.agent.LaunchAlternative;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.FailureTypes;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.system.WorkflowIds;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import com.spotoptimizer.workflows.testing.ScriptedAgent.Script;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Records the replay fixtures under {@code src/test/resources/histories/}. Not a test, so a normal build
 * never runs it; run it by hand after a deliberate, versioned change to workflow code, and commit the JSON:
 *
 * <pre>
 * ./mvnw -q -o -pl workflows test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath
 * java -cp workflows/target/test-classes:workflows/target/classes:$(cat workflows/target/test.classpath) \
 *     com.spotoptimizer.workflows.testing.RecordWorkflowHistories workflows/src/test/resources/histories [moves]
 * </pre>
 * With {@code moves} only the move workflows' fixtures ({@code move-*.json}) are recorded.
 *
 * Replacing a fixture throws away the proof that running workflows of the old shape still replay: add
 * new files next to the old ones unless the old code path is gone for good.
 */
public final class RecordWorkflowHistories {

    private final Path directory;

    private RecordWorkflowHistories(Path directory) {
        this.directory = directory;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2 || args.length == 2 && !Set.of("moves", "pacing", "termination-pacing", "http-fallback").contains(args[1])) {
            throw new IllegalArgumentException("usage: RecordWorkflowHistories <histories directory> "
                    + "[moves|pacing|termination-pacing|http-fallback]");
        }
        RecordWorkflowHistories recorder = new RecordWorkflowHistories(Path.of(args[0]));
        Files.createDirectories(recorder.directory);
        if (args.length == 2 && args[1].equals("moves")) {
            // Only the moves' fixtures: the lifecycle's stay as recorded.
            recorder.recordMoves();
            System.exit(0);
        }
        if (args.length == 2 && args[1].equals("pacing")) {
            // Only the fixtures of the deadline-from-ec2-call and capacity-fallback versions; the older ones stay.
            recorder.launchQueuedThenCalledThenConfirmed();
            recorder.launchFallsBackToSecondAlternative();
            System.exit(0);
        }
        if (args.length == 2 && args[1].equals("termination-pacing")) {
            // Only the fixture of the termination-deadline-from-ec2-call version; the older ones stay.
            recorder.terminationQueuedThenCalledThenConfirmed();
            System.exit(0);
        }
        if (args.length == 2 && args[1].equals("http-fallback")) {
            // Only the fixture of the http-capacity-fallback version; the older ones stay.
            recorder.httpLaunchFallsBackToSecondAlternative();
            System.exit(0);
        }
        recorder.launchConfirmedOverHttp();
        recorder.launchConfirmedByTemporalAgent();
        recorder.launchRefusedForCapacity();
        recorder.launchTimedOutThenConfirmedLate();
        recorder.terminateWhileLaunching();
        recorder.terminationTimedOut();
        System.exit(0); // the test server's non-daemon threads would keep the JVM up
    }

    private void launchConfirmedOverHttp() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
            LaunchInstanceWorkflow launch = h.startLaunch(input);
            launch.awaitRecorded();
            h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0http", h.now()));
            result(launch);
            save(h, launchWorkflowId(input), "launch-http-confirmed.json");
        }
    }

    private void launchQueuedThenCalledThenConfirmed() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
            LaunchInstanceWorkflow launch = h.startLaunch(input);
            launch.awaitRecorded();
            h.launchStub(input).launchQueued(new LaunchQueued(input.instanceId(), input.agentId(),
                    "waiting for RunInstances capacity budget; 1,000+ ahead at priority ≥ 25", h.now()));
            h.env.sleep(Duration.ofMinutes(10));
            h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now()));
            h.env.sleep(Duration.ofMinutes(4));
            h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0paced", h.now()));
            result(launch);
            save(h, launchWorkflowId(input), "launch-queued-then-called.json");
        }
    }

    private void launchFallsBackToSecondAlternative() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            h.agent.noCapacityFor("m5.large", FailureTypes.INSUFFICIENT_CAPACITY);
            LaunchInstanceInput base = h.launchInput(Transport.TEMPORAL, "primary");
            LaunchInstanceInput input = new LaunchInstanceInput(base.instanceId(), base.clientId(), base.agentId(),
                    base.transport(), base.agentTaskQueue(), base.requestId(), base.requestFingerprint(),
                    base.instanceType(), base.role(), base.spec(), base.metadataJson(), base.requestedAt(),
                    base.confirmationTimeout(), base.lateConfirmationWindow(), base.terminationTimeout(),
                    base.priority(), null, java.util.List.of(new LaunchAlternative("c5.large", "subnet-2")));
            result(h.startLaunch(input));
            save(h, launchWorkflowId(input), "launch-capacity-fallback.json");
        }
    }

    private void launchConfirmedByTemporalAgent() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "replica");
            result(h.startLaunch(input));
            save(h, launchWorkflowId(input), "launch-temporal-confirmed.json");
        }
    }

    private void launchRefusedForCapacity() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            h.agent.launches(Script.REFUSE).refusingWith(FailureTypes.INSUFFICIENT_CAPACITY, "no m5.large capacity");
            LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
            result(h.startLaunch(input));
            save(h, launchWorkflowId(input), "launch-refused-insufficient-capacity.json");
        }
    }

    private void launchTimedOutThenConfirmedLate() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput input = h.launchInput(Transport.HTTP, "primary");
            LaunchInstanceWorkflow launch = h.startLaunch(input);
            launch.awaitRecorded();
            h.env.sleep(Duration.ofMinutes(5).plusSeconds(1));
            await("timed out", () -> "awaiting_late_confirmation".equals(launch.getProgress().phase()));
            h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));
            await("reclaim started", () -> h.lifecycle.wasCalled(input.instanceId(), "recordTerminationRequested"));
            TerminateInstanceWorkflow termination = h.terminationStub(input.instanceId());
            termination.confirmTerminated(new TerminationConfirmation(input.instanceId(), input.agentId(), "i-0late", h.now()));
            result(termination);
            result(launch);
            save(h, launchWorkflowId(input), "launch-timed-out-then-confirmed-late.json");
            save(h, WorkflowIds.terminate(input.instanceId()), "terminate-late-instance.json");
        }
    }

    private void terminateWhileLaunching() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            h.agent.holdLaunches();
            LaunchInstanceInput input = h.launchInput(Transport.TEMPORAL, "primary");
            LaunchInstanceWorkflow launch = h.startLaunch(input);
            launch.awaitRecorded();
            await("agent has the command", () -> !h.agent.launchCommands().isEmpty());
            launch.requestTermination(new TerminationRequest("term-1", "user changed their mind", h.now()));
            h.agent.releaseLaunches();
            await("termination started", () -> h.lifecycle.wasCalled(input.instanceId(), "recordTerminationRequested"));
            result(h.terminationStub(input.instanceId()));
            result(launch);
            save(h, launchWorkflowId(input), "launch-terminated-while-launching.json");
            save(h, WorkflowIds.terminate(input.instanceId()), "terminate-after-terminate-while-launching.json");
        }
    }

    private void terminationTimedOut() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput launch = h.launchInput(Transport.HTTP, "primary");
            h.lifecycle.seed(launch, Statuses.RUNNING_PRIMARY, "i-0stuck");
            result(h.startTermination(h.terminateInput(launch, "term-1")));
            save(h, WorkflowIds.terminate(launch.instanceId()), "terminate-timed-out.json");
        }
    }

    private void terminationQueuedThenCalledThenConfirmed() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput launch = h.launchInput(Transport.HTTP, "primary");
            h.lifecycle.seed(launch, Statuses.RUNNING_PRIMARY, "i-0paced");
            TerminateInstanceWorkflow termination = h.startTermination(h.terminateInput(launch, "term-1"));
            termination.awaitRecorded();
            TerminateInstanceWorkflow stub = h.terminationStub(launch.instanceId());
            stub.terminationQueued(new TerminationQueued(launch.instanceId(), launch.agentId(),
                    "waiting for TerminateInstances capacity budget; 100+ ahead at priority ≥ 100", h.now()));
            h.env.sleep(Duration.ofMinutes(10));
            stub.terminationCallMade(new TerminationCallMade(launch.instanceId(), launch.agentId(), h.now()));
            h.env.sleep(Duration.ofMinutes(2));
            stub.confirmTerminated(new TerminationConfirmation(launch.instanceId(), launch.agentId(), "i-0paced", h.now()));
            result(termination);
            save(h, WorkflowIds.terminate(launch.instanceId()), "terminate-queued-then-called.json");
        }
    }

    private void httpLaunchFallsBackToSecondAlternative() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            LaunchInstanceInput base = h.launchInput(Transport.HTTP, "primary");
            LaunchInstanceInput input = new LaunchInstanceInput(base.instanceId(), base.clientId(), base.agentId(),
                    base.transport(), base.agentTaskQueue(), base.requestId(), base.requestFingerprint(),
                    base.instanceType(), base.role(), base.spec(), base.metadataJson(), base.requestedAt(),
                    base.confirmationTimeout(), base.lateConfirmationWindow(), base.terminationTimeout(),
                    base.priority(), null, java.util.List.of(new LaunchAlternative("c5.large", "subnet-2")));
            LaunchInstanceWorkflow launch = h.startLaunch(input);
            launch.awaitRecorded();
            h.launchStub(input).reportLaunchRefused(new LaunchRefusal(input.instanceId(),
                    "InsufficientInstanceCapacity: no m5.large", FailureTypes.INSUFFICIENT_CAPACITY, 0));
            await("attempt 1 queued", () -> h.lifecycle.httpAttemptCommands().size() == 1);
            h.launchStub(input).launchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(), h.now(), 1));
            h.launchStub(input).confirmLaunched(new LaunchConfirmation(input.instanceId(), input.agentId(), "i-0second",
                    h.now()));
            result(launch);
            save(h, launchWorkflowId(input), "launch-http-capacity-fallback.json");
        }
    }

    private void recordMoves() throws IOException {
        switchReplacesPrimary();
        switchWithRefusedReplacement();
        promoteDemotingToReplica();
        failoverWithReplica();
    }

    private void switchReplacesPrimary() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            MoveFixtures f = new MoveFixtures(h);
            LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
            SwitchInstanceInput input = f.switchInput(old, "MANUAL_SWITCH", CommandPriority.MANUAL_SWITCH, "sw-1", null);
            moveResult(f.startSwitch(input));
            save(h, WorkflowIds.move(old.clientId(), "sw-1"), "move-switch-succeeded.json");
        }
    }

    private void switchWithRefusedReplacement() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            MoveFixtures f = new MoveFixtures(h);
            h.agent.launches(Script.REFUSE).refusingWith(FailureTypes.INSUFFICIENT_CAPACITY, "no capacity");
            LaunchInstanceInput old = f.runningPrimary(Transport.TEMPORAL);
            SwitchInstanceInput input = f.switchInput(old, "ML_URGENT_SWITCH", CommandPriority.ML_URGENT_SWITCH, "sw-2",
                    null);
            moveResult(f.startSwitch(input));
            save(h, WorkflowIds.move(old.clientId(), "sw-2"), "move-switch-replacement-refused.json");
        }
    }

    private void promoteDemotingToReplica() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            MoveFixtures f = new MoveFixtures(h);
            LaunchInstanceInput primary = f.runningPrimary(Transport.HTTP);
            LaunchInstanceInput replica = f.runningReplicaOf(primary);
            var promote = f.startPromote(f.promoteInput(replica, primary, DemoteTo.REPLICA, "p-1"));
            promote.awaitRecorded();
            moveResult(promote);
            save(h, WorkflowIds.promote(primary.clientId(), "p-1"), "move-promote-demote-to-replica.json");
        }
    }

    private void failoverWithReplica() throws IOException {
        try (WorkflowTestHarness h = WorkflowTestHarness.start()) {
            MoveFixtures f = new MoveFixtures(h);
            LaunchInstanceInput primary = f.runningPrimary(Transport.TEMPORAL);
            LaunchInstanceInput replica = f.runningReplicaOf(primary);
            FailoverInput input = f.failoverInput(primary, replica, h.now().plus(Duration.ofMinutes(2)));
            moveResult(f.startFailover(input));
            save(h, WorkflowIds.failover(primary.instanceId(), input.noticeKey()), "move-failover-with-replica.json");
        }
    }

    private static MoveResult moveResult(Object typedStub) {
        try {
            return WorkflowTestHarness.untyped(typedStub).getResult(30, java.util.concurrent.TimeUnit.SECONDS,
                    MoveResult.class);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    private void save(WorkflowTestHarness h, String workflowId, String fileName) throws IOException {
        String json = h.client.fetchHistory(workflowId).toJson(true);
        Files.writeString(directory.resolve(fileName), json + System.lineSeparator());
        System.out.println("recorded " + directory.resolve(fileName));
    }
}
