package com.spotoptimizer.workflows.testing;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.launch.LaunchInstanceWorkflow;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.terminate.TerminateInstanceWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A Temporal-transport agent whose behaviour each test scripts, over a fake EC2 that keeps ground
 * truth (which instances run), so a test can prove nothing leaked. Like the real agent it confirms by
 * signalling the workflow named in the command, and refuses with typed non-retryable failures.
 *
 * <p>An activity in flight holds the test server's clock, so a script that never confirms returns
 * (the agent gave up) rather than blocking; {@link #holdLaunches()} blocks on purpose, to let a test
 * act while the launch is in flight.
 */
public final class ScriptedAgent implements AgentActivities {

    /** What the agent does with a command it received. */
    public enum Script {
        /** Does the EC2 work and signals the confirmation. */
        CONFIRM,
        /** EC2 refuses: a non-retryable failure of the configured type. */
        REFUSE,
        /** Gives up before doing anything: nothing exists, nothing is confirmed. */
        NEVER_CONFIRM,
        /** Launches, then loses the confirmation (crash between RunInstances and the signal). */
        LOSE_CONFIRMATION
    }

    private final WorkflowClient client;
    private final Supplier<Instant> clock;

    private volatile Script launchScript = Script.CONFIRM;
    private volatile Script terminateScript = Script.CONFIRM;
    private volatile String refusalType;
    private volatile String refusalMessage;
    private volatile CountDownLatch launchGate;
    /** Instance types EC2 has no capacity for: launches of them are refused with this type and message. */
    private final Map<String, String> noCapacityFor = new ConcurrentHashMap<>();

    private final List<LaunchCommand> launchCommands = new CopyOnWriteArrayList<>();
    private final List<TerminateCommand> terminateCommands = new CopyOnWriteArrayList<>();
    private final Map<String, String> ec2ByClientToken = new ConcurrentHashMap<>();
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public ScriptedAgent(WorkflowClient client, Supplier<Instant> clock) {
        this.client = client;
        this.clock = clock;
    }

    // ---- scripting ---------------------------------------------------------------------------

    public ScriptedAgent launches(Script script) {
        this.launchScript = script;
        return this;
    }

    public ScriptedAgent terminations(Script script) {
        this.terminateScript = script;
        return this;
    }

    /** The failure a {@link Script#REFUSE} raises, e.g. {@code InsufficientInstanceCapacity}. */
    public ScriptedAgent refusingWith(String failureType, String message) {
        this.refusalType = failureType;
        this.refusalMessage = message;
        return this;
    }

    /** Launches of {@code instanceType} are refused for capacity (a failure of type {@code failureType}). */
    public ScriptedAgent noCapacityFor(String instanceType, String failureType) {
        noCapacityFor.put(instanceType, failureType);
        return this;
    }

    /** Launch commands wait (in RunInstances, say) until {@link #releaseLaunches()}. */
    public ScriptedAgent holdLaunches() {
        this.launchGate = new CountDownLatch(1);
        return this;
    }

    public void releaseLaunches() {
        CountDownLatch gate = launchGate;
        if (gate != null) {
            gate.countDown();
        }
    }

    // ---- AgentActivities ---------------------------------------------------------------------

    @Override
    public void launchInstance(LaunchCommand command) {
        launchCommands.add(command);
        awaitGate();
        String capacity = noCapacityFor.get(command.instanceType());
        if (capacity != null) {
            throw ApplicationFailure.newNonRetryableFailure("no capacity for " + command.instanceType(), capacity);
        }
        switch (launchScript) {
            case REFUSE -> throw ApplicationFailure.newNonRetryableFailure(refusalMessage, refusalType);
            case NEVER_CONFIRM -> {
            }
            case LOSE_CONFIRMATION -> runInstances(command.clientToken());
            case CONFIRM -> {
                String ec2InstanceId = runInstances(command.clientToken());
                client.newWorkflowStub(LaunchInstanceWorkflow.class, command.workflowId())
                        .confirmLaunched(new LaunchConfirmation(command.instanceId(), WorkflowTestHarness.AGENT_ID, ec2InstanceId, clock.get()));
            }
        }
    }

    @Override
    public void terminateInstance(TerminateCommand command) {
        terminateCommands.add(command);
        switch (terminateScript) {
            case REFUSE -> throw ApplicationFailure.newNonRetryableFailure(refusalMessage, refusalType);
            case NEVER_CONFIRM, LOSE_CONFIRMATION -> {
            }
            case CONFIRM -> {
                // Without an EC2 id the instance is found by its ClientToken; finding none confirms too.
                String target = command.ec2InstanceId() != null
                        ? command.ec2InstanceId() : ec2ByClientToken.get(command.clientToken());
                if (target != null) {
                    running.remove(target);
                }
                client.newWorkflowStub(TerminateInstanceWorkflow.class, command.workflowId())
                        .confirmTerminated(new TerminationConfirmation(command.instanceId(), WorkflowTestHarness.AGENT_ID, target, clock.get()));
            }
        }
    }

    // ---- fake EC2 and what tests read --------------------------------------------------------

    /** RunInstances with a ClientToken: a repeat returns the same instance. */
    public String runInstances(String clientToken) {
        String ec2InstanceId = ec2ByClientToken.computeIfAbsent(clientToken, t -> "i-" + t.substring(0, 17));
        running.add(ec2InstanceId);
        return ec2InstanceId;
    }

    public Set<String> runningInstances() {
        return Set.copyOf(running);
    }

    public List<LaunchCommand> launchCommands() {
        return List.copyOf(launchCommands);
    }

    public List<TerminateCommand> terminateCommands() {
        return List.copyOf(terminateCommands);
    }

    private void awaitGate() {
        CountDownLatch gate = launchGate;
        if (gate == null) {
            return;
        }
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("launch held for 30 s: the test never released it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
