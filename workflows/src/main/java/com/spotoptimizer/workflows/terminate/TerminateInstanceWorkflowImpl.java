package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.system.Transport;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;

public class TerminateInstanceWorkflowImpl implements TerminateInstanceWorkflow {

    static final String TERMINATED = "terminated";

    private final LifecycleActivities lifecycle = ActivityStubs.lifecycle();

    private TerminateInstanceInput input;
    private InstanceSnapshot instance;
    private TerminationConfirmation confirmation;
    private String failure;

    @Override
    public TerminateResult terminate(TerminateInstanceInput input) {
        this.input = input;
        record(lifecycle.recordTerminationRequested(input));
        if (TERMINATED.equals(instance.status())) {
            return result();
        }
        CancellationScope agentWork = dispatchToAgent();

        Workflow.await(input.confirmationTimeout(), () -> confirmation != null || failure != null);
        if (confirmation != null) {
            record(lifecycle.recordTerminated(confirmation));
        } else if (failure != null) {
            record(lifecycle.recordTerminationFailed(new Outcome(input.instanceId(), failure)));
        } else {
            if (agentWork != null) {
                agentWork.cancel();
            }
            record(lifecycle.recordTerminationTimedOut(new Outcome(input.instanceId(),
                    "not confirmed within " + input.confirmationTimeout().toSeconds() + "s")));
        }
        Workflow.await(Workflow::isEveryHandlerFinished);
        return result();
    }

    private CancellationScope dispatchToAgent() {
        if (input.transport() != Transport.TEMPORAL) {
            return null; // An HTTP agent polls the command queued by recordTerminationRequested.
        }
        AgentActivities agent = ActivityStubs.agentTerminate(input.agentTaskQueue(), input.confirmationTimeout());
        TerminateCommand command = new TerminateCommand(
                Workflow.getInfo().getWorkflowId(),
                commandId(input),
                input.instanceId(),
                instance.ec2InstanceId(),
                ClientTokens.forLaunch(input.clientId(), input.launchRequestId(), input.instanceType()));
        CancellationScope scope = Workflow.newCancellationScope(() ->
                Async.procedure(agent::terminateInstance, command).handle((ignored, error) -> {
                    if (error != null && confirmation == null) {
                        failure = ActivityStubs.nonRetryableReason(error);
                    }
                    return null;
                }));
        scope.run();
        return scope;
    }

    /** The command id the lifecycle activity gives the TERMINATE_INSTANCE command of this request. */
    public static String commandId(TerminateInstanceInput input) {
        return "terminate-" + input.instanceId() + "-" + input.requestId();
    }

    @Override
    public void reportTerminationRefused(Outcome outcome) {
        if (confirmation == null && failure == null && outcome != null && input != null
                && input.instanceId().equals(outcome.instanceId())) {
            failure = outcome.reason();
        }
    }

    @Override
    public void confirmTerminated(TerminationConfirmation confirmation) {
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
    public InstanceSnapshot getInstance() {
        return instance;
    }

    private void record(InstanceSnapshot snapshot) {
        instance = snapshot;
        ActivityStubs.upsertState(snapshot.status());
    }

    private TerminateResult result() {
        return new TerminateResult(instance.instanceId(), instance.status(), instance.failureReason());
    }
}
