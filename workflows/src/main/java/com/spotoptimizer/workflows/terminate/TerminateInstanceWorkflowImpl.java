package com.spotoptimizer.workflows.terminate;

import com.spotoptimizer.workflows.agent.CommandPriority;
import static com.spotoptimizer.workflows.system.Deadlines.now;
import static com.spotoptimizer.workflows.system.Deadlines.remaining;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.ClientTokens;
import com.spotoptimizer.workflows.agent.TerminateCommand;
import com.spotoptimizer.workflows.lifecycle.CallDeadline;
import com.spotoptimizer.workflows.lifecycle.ConfirmationCheck;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdicts;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationCallMade;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationQueued;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.system.Transport;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

public class TerminateInstanceWorkflowImpl implements TerminateInstanceWorkflow {

    private static final Logger log = Workflow.getLogger(TerminateInstanceWorkflowImpl.class);
    static final String TERMINATED = "terminated";
    /**
     * Version marker: the confirmation deadline runs from the agent's EC2 call ({@code terminationCallMade}); while
     * the agent says it is queued ({@code terminationQueued}) the bounded queue wait applies. Before it: from the start.
     */
    static final String DEADLINE_FROM_CALL = "termination-deadline-from-ec2-call";

    private final LifecycleActivities lifecycle = ActivityStubs.lifecycle();

    private TerminateInstanceInput input;
    private ConfirmationCheck check;
    private InstanceSnapshot instance;
    /** The confirmation being recorded; one the record refuses is discarded and the wait goes on. */
    private TerminationConfirmation confirmation;
    private String failure;
    private boolean settled;
    private final ConfirmationVerdicts verdicts = new ConfirmationVerdicts();
    private final List<TerminationConfirmation> early = new ArrayList<>();
    /** Whether this run measures the deadline from the agent's call ({@link #DEADLINE_FROM_CALL}). */
    private boolean paced;
    /** Before {@link #DEADLINE_FROM_CALL}: the confirmation timeout from the start. */
    private Instant fixedDeadline;
    /** The deadline moved by what the agent says (null until the workflow method runs). */
    private CallDeadline callDeadline;
    /** Reports signalled before the workflow method ran, applied once it knows the agent and the clock. */
    private TerminationCallMade earlyCall;
    private TerminationQueued earlyQueued;

    @Override
    public TerminateResult terminate(TerminateInstanceInput input) {
        this.input = input;
        this.check = ConfirmationCheck.forWorkflow(input.instanceId(), input.agentId());
        // The deadline runs from the start, so time spent retrying a recording step counts against it.
        Instant startedAt = now();
        fixedDeadline = startedAt.plus(input.confirmationTimeout());
        callDeadline = new CallDeadline(input.confirmationTimeout(), input.queueWaitOrDefault(), startedAt);
        paced = Workflow.getVersion(DEADLINE_FROM_CALL, Workflow.DEFAULT_VERSION, 1) == 1;
        applyEarlyReports();
        instance = lifecycle.recordTerminationRequested(input);
        ActivityStubs.upsertState(instance.status());
        if (TERMINATED.equals(instance.status())) {
            settled = true;
            return result();
        }
        early.forEach(this::confirmTerminated);
        CancellationScope agentWork = dispatchToAgent(paced ? callDeadline.agentBound() : fixedDeadline);

        while (true) {
            Instant deadline = deadline();
            Workflow.await(remaining(deadline), () -> confirmation != null || failure != null
                    || !deadline().equals(deadline));
            if (confirmation == null && failure == null && !deadline().equals(deadline)) {
                continue; // the agent queued or made its call: the deadline moved
            }
            if (confirmation == null || recordConfirmation()) {
                break;
            }
        }
        if (confirmation == null && failure != null) {
            record(new Outcome(input.instanceId(), failure), false);
        } else if (confirmation == null) {
            if (agentWork != null) {
                agentWork.cancel();
            }
            record(new Outcome(input.instanceId(), timeoutReason()), true);
        }
        settled = true; // Confirmations from now on are refused, so no handler waits for a verdict.
        Workflow.await(Workflow::isEveryHandlerFinished);
        return result();
    }

    private Instant deadline() {
        return paced ? callDeadline.deadline() : fixedDeadline;
    }

    private String timeoutReason() {
        String queuedReason = callDeadline.queuedReason();
        if (paced && queuedReason != null) {
            return "never got a TerminateInstances turn within " + input.queueWaitOrDefault().toSeconds() + "s ("
                    + queuedReason + ")";
        }
        return "not confirmed within " + input.confirmationTimeout().toSeconds() + "s";
    }

    /** Reports signalled before the workflow method ran are checked and applied now that it knows the agent. */
    private void applyEarlyReports() {
        if (earlyQueued != null) {
            terminationQueued(earlyQueued);
        }
        if (earlyCall != null) {
            terminationCallMade(earlyCall);
        }
        earlyQueued = null;
        earlyCall = null;
    }

    /** True when recorded (or the termination failed for good); false when the record refused it. */
    private boolean recordConfirmation() {
        TerminationConfirmation candidate = confirmation;
        try {
            instance = lifecycle.recordTerminated(candidate);
            ActivityStubs.upsertState(instance.status());
            verdicts.accepted(candidate.ec2InstanceId(), instance);
            return true;
        } catch (ActivityFailure error) {
            if (ActivityStubs.isConfirmationConflict(error)) {
                log.warn("Termination confirmation refused by the record instance_id={} ec2_instance_id={}",
                        input.instanceId(), candidate.ec2InstanceId());
                verdicts.refused(candidate.ec2InstanceId(), ConfirmationVerdict.EC2_ID_CONFLICT, instance);
                confirmation = null;
                return false;
            }
            verdicts.refused(candidate.ec2InstanceId(), ConfirmationVerdict.RECORDING_FAILED, instance);
            failure = "termination confirmation " + ActivityStubs.recordingFailure(error);
            confirmation = null;
            return true;
        }
    }

    /** A refusal or a timeout. If even that cannot be written the workflow fails; the row is left to the alert. */
    private void record(Outcome outcome, boolean timedOut) {
        instance = timedOut ? lifecycle.recordTerminationTimedOut(outcome) : lifecycle.recordTerminationFailed(outcome);
        ActivityStubs.upsertState(instance.status());
    }

    private CancellationScope dispatchToAgent(Instant deadline) {
        if (input.transport() != Transport.TEMPORAL) {
            return null; // An HTTP agent polls the command queued by recordTerminationRequested.
        }
        AgentActivities agent = ActivityStubs.agent(input.agentTaskQueue(), remaining(deadline), input.priority());
        TerminateCommand command = new TerminateCommand(
                Workflow.getInfo().getWorkflowId(),
                commandId(input),
                input.instanceId(),
                instance.ec2InstanceId(),
                ClientTokens.forLaunch(input.clientId(), input.launchRequestId(), input.instanceType()), CommandPriority.orCritical(input.priority()));
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
    public void terminationCallMade(TerminationCallMade made) {
        if (made == null || made.madeAt() == null) {
            return;
        }
        if (callDeadline == null) {
            if (earlyCall == null) {
                earlyCall = made;
            }
        } else if (check.refusal(made.instanceId(), made.agentId()) != null) {
            log.warn("Termination call report refused instance_id={} agent_id={}", made.instanceId(), made.agentId());
        } else {
            callDeadline.callMade(made.madeAt(), now());
        }
    }

    @Override
    public void terminationQueued(TerminationQueued report) {
        if (report == null || report.reason() == null) {
            return;
        }
        if (callDeadline == null) {
            earlyQueued = report;
        } else if (check.refusal(report.instanceId(), report.agentId()) == null) {
            callDeadline.queued(report.reason());
        }
    }

    @Override
    public void reportTerminationRefused(Outcome outcome) {
        if (confirmation == null && failure == null && outcome != null && input != null
                && input.instanceId().equals(outcome.instanceId())) {
            failure = outcome.reason();
        }
    }

    @Override
    public void confirmTerminated(TerminationConfirmation offered) {
        if (offered == null) {
            return;
        }
        if (check == null) {
            early.add(offered);
            return;
        }
        String refused = refusal(offered);
        if (refused != null) {
            log.warn("Termination confirmation refused instance_id={} agent_id={} ec2_instance_id={} refusal={}",
                    offered.instanceId(), offered.agentId(), offered.ec2InstanceId(), refused);
        } else if (confirmation == null && !settled) {
            confirmation = offered;
        }
    }

    @Override
    public void validateTerminationConfirmation(TerminationConfirmation offered) {
        if (offered == null || offered.instanceId() == null) {
            throw new IllegalArgumentException("a confirmation needs the instance id");
        }
    }

    @Override
    public ConfirmationVerdict submitTerminationConfirmation(TerminationConfirmation offered) {
        Workflow.await(() -> instance != null);
        String refused = refusal(offered);
        if (refused != null) {
            return ConfirmationVerdict.refused(refused, instance.ec2InstanceId(), instance);
        }
        ConfirmationVerdict decided = verdicts.decided(offered.ec2InstanceId(), instance);
        if (decided != null) {
            return decided;
        }
        if (confirmation != null && !Objects.equals(offered.ec2InstanceId(), confirmation.ec2InstanceId())) {
            return ConfirmationVerdict.refused(ConfirmationVerdict.EC2_ID_MISMATCH, confirmation.ec2InstanceId(), instance);
        }
        if (confirmation == null) {
            if (settled) {
                return ConfirmationVerdict.refused(ConfirmationVerdict.SETTLED, instance.ec2InstanceId(), instance);
            }
            confirmation = offered;
        }
        return verdicts.await(offered.ec2InstanceId());
    }

    /** Another agent, another instance, or another EC2 id than the one recorded for this instance. */
    private String refusal(TerminationConfirmation offered) {
        String refused = check.refusal(offered.instanceId(), offered.agentId());
        if (refused == null && instance != null && instance.ec2InstanceId() != null && offered.ec2InstanceId() != null
                && !Objects.equals(instance.ec2InstanceId(), offered.ec2InstanceId())) {
            refused = ConfirmationVerdict.EC2_ID_MISMATCH;
        }
        return refused;
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

    private TerminateResult result() {
        return new TerminateResult(instance.instanceId(), instance.status(), instance.failureReason());
    }
}
