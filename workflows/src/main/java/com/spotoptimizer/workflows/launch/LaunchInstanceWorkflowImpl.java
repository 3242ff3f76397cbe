package com.spotoptimizer.workflows.launch;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.agent.LaunchSpec;
import com.spotoptimizer.workflows.agent.OwnershipTags;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminationStarter;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import org.slf4j.Logger;

public class LaunchInstanceWorkflowImpl implements LaunchInstanceWorkflow {

    private static final Logger log = Workflow.getLogger(LaunchInstanceWorkflowImpl.class);
    /** Version marker: a Temporal agent's launch cut off by the timeout is reclaimed by ClientToken. */
    static final String RECLAIM_UNCONFIRMED = "reclaim-unconfirmed-launch";

    private final LifecycleActivities lifecycle = ActivityStubs.lifecycle();

    private LaunchInstanceInput input;
    private InstanceSnapshot instance;
    private LaunchConfirmation confirmation;
    private TerminationRequest terminationRequest;
    private boolean terminationRecorded;
    private String launchFailure;
    private boolean agentGaveUp;
    /** The agent's work ended without telling what it did (cut off by the timeout): it may have launched. */
    private boolean agentMayHaveLaunched;
    private String phase = "recording";

    @Override
    public LaunchResult launch(LaunchInstanceInput input) {
        this.input = input;
        record(lifecycle.recordLaunchRequested(input));
        CancellationScope agentWork = dispatchToAgent();

        phase = "awaiting_confirmation";
        Workflow.await(input.confirmationTimeout(), () -> confirmation != null || launchFailure != null);
        if (confirmation == null && launchFailure == null && agentWork != null) {
            // The agent must not keep polling EC2 for a launch we have given up on.
            agentMayHaveLaunched |= !agentGaveUp;
            agentWork.cancel();
        }
        // From here on the outcome is being decided: a termination request now goes to the termination
        // workflow (the validator rejects it), and one accepted before is recorded before the outcome is.
        phase = "settling";
        Workflow.await(() -> terminationRequest == null || terminationRecorded);

        if (confirmation != null) {
            record(lifecycle.recordLaunchConfirmed(confirmation));
            if (terminationRequest != null) {
                terminate("terminated while launching");
            }
        } else if (launchFailure != null) {
            settleRefusedLaunch();
        } else if (terminationRequest != null) {
            // Nothing confirmed, but the agent may have launched: terminate by ClientToken.
            terminate("terminated while launching; launch not confirmed in time");
        } else {
            record(lifecycle.recordLaunchTimedOut(new Outcome(input.instanceId(),
                    "not confirmed within " + input.confirmationTimeout().toSeconds() + "s")));
            reclaimLateInstance();
        }
        Workflow.await(Workflow::isEveryHandlerFinished);
        phase = "closed";
        return new LaunchResult(instance.instanceId(), instance.ec2InstanceId(), instance.status(), instance.failureReason());
    }

    private CancellationScope dispatchToAgent() {
        if (input.transport() != Transport.TEMPORAL) {
            return null; // An HTTP agent polls the command queued by recordLaunchRequested.
        }
        AgentActivities agent = ActivityStubs.agentLaunch(input.agentTaskQueue(), input.confirmationTimeout());
        LaunchCommand command = launchCommand();
        CancellationScope scope = Workflow.newCancellationScope(() -> {
            Promise<Void> done = Async.procedure(agent::launchInstance, command);
            done.handle((ignored, failure) -> {
                agentGaveUp = true;
                if (failure != null && confirmation == null) {
                    launchFailure = ActivityStubs.nonRetryableReason(failure);
                    // Timed out or cancelled rather than refused: RunInstances may have run.
                    agentMayHaveLaunched |= launchFailure == null;
                }
                return null;
            });
        });
        scope.run();
        return scope;
    }

    private void settleRefusedLaunch() {
        if (terminationRequest == null) {
            record(lifecycle.recordLaunchFailed(new Outcome(input.instanceId(), launchFailure)));
            return;
        }
        // EC2 refused the launch, so there is nothing to terminate: the termination is done.
        record(lifecycle.recordTerminated(new TerminationConfirmation(input.instanceId(), input.agentId(), null, now())));
    }

    /** After a timeout: an instance that turns up late is terminated, not adopted (the user was told it failed). */
    private void reclaimLateInstance() {
        phase = "awaiting_late_confirmation";
        boolean late = Workflow.await(input.lateConfirmationWindow(),
                () -> confirmation != null || terminationRequest != null
                        || (input.transport() == Transport.TEMPORAL && agentGaveUp));
        if (!late || (confirmation == null && terminationRequest == null)) {
            if (late && agentMayHaveLaunched
                    && Workflow.getVersion(RECLAIM_UNCONFIRMED, Workflow.DEFAULT_VERSION, 1) == 1) {
                // The agent was cut off mid-launch and stopped watching, so no late confirmation will come: an
                // instance it launched would run on, unowned. Terminate by ClientToken (finding none is done).
                terminate("launch timed out; reclaiming any instance it started");
            }
            return;
        }
        if (confirmation != null) {
            log.info("Late launch confirmation, terminating instance_id={} ec2_instance_id={}",
                    input.instanceId(), confirmation.ec2InstanceId());
            record(lifecycle.recordLaunchConfirmed(confirmation));
        }
        terminate(terminationRequest != null ? terminationRequest.reason() : "launch confirmed after its timeout");
    }

    private void terminate(String reason) {
        phase = "terminating";
        TerminationRequest request = terminationRequest != null
                ? terminationRequest
                : new TerminationRequest(input.requestId() + "-reclaim", reason, now());
        TerminationStarter.startDetached(input, request, reason);
    }

    @Override
    public void reportLaunchRefused(Outcome outcome) {
        if (confirmation == null && launchFailure == null && outcome != null && input != null
                && input.instanceId().equals(outcome.instanceId())) {
            launchFailure = outcome.reason();
        }
    }

    @Override
    public void confirmLaunched(LaunchConfirmation confirmation) {
        if (this.confirmation == null && confirmation != null && input != null
                && input.instanceId().equals(confirmation.instanceId())) {
            this.confirmation = confirmation;
        }
    }

    @Override
    public InstanceSnapshot awaitRecorded() {
        Workflow.await(() -> instance != null);
        return instance;
    }

    @Override
    public void validateRequestTermination(TerminationRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("termination request is required");
        }
        // Only while the outcome is undecided: once settling starts, a request accepted here could be
        // recorded after the outcome (terminating on a row that then stays so, with no termination started).
        if (!"awaiting_confirmation".equals(phase) && !"recording".equals(phase)
                && terminationRequest == null) {
            throw new IllegalStateException("launch already settled: terminate through the termination workflow");
        }
    }

    @Override
    public InstanceSnapshot requestTermination(TerminationRequest request) {
        Workflow.await(() -> instance != null);
        if (terminationRequest == null) {
            terminationRequest = request;
            record(lifecycle.recordTerminationRequestedWhileLaunching(
                    TerminationStarter.input(input, request, request.reason())));
            terminationRecorded = true;
        } else {
            // A repeat answers with the row after the first request's transition, not before it.
            Workflow.await(() -> terminationRecorded);
        }
        return instance;
    }

    @Override
    public LaunchProgress getProgress() {
        return new LaunchProgress(phase, instance, terminationRequest != null);
    }

    private void record(InstanceSnapshot snapshot) {
        instance = snapshot;
        ActivityStubs.upsertState(snapshot.status());
    }

    private LaunchCommand launchCommand() {
        LaunchSpec spec = input.spec() == null ? LaunchSpec.empty() : input.spec();
        return new LaunchCommand(
                Workflow.getInfo().getWorkflowId(),
                "launch-" + input.instanceId(),
                input.instanceId(),
                input.clientId(),
                input.requestId(),
                ClientTokens.forLaunch(input.clientId(), input.requestId(), input.instanceType()),
                input.instanceType(),
                input.role(),
                spec,
                OwnershipTags.of(input.instanceId(), input.clientId(), input.agentId(), input.requestId(), spec.tags()));
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }
}
