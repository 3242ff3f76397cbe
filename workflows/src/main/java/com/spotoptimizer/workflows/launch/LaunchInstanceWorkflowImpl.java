package com.spotoptimizer.workflows.launch;

import static com.spotoptimizer.workflows.system.Deadlines.now;
import static com.spotoptimizer.workflows.system.Deadlines.remaining;

import com.spotoptimizer.workflows.agent.AgentActivities;
import com.spotoptimizer.workflows.agent.LaunchCommand;
import com.spotoptimizer.workflows.lifecycle.CallDeadline;
import com.spotoptimizer.workflows.lifecycle.ConfirmationCheck;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdict;
import com.spotoptimizer.workflows.lifecycle.ConfirmationVerdicts;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.LaunchAttempt;
import com.spotoptimizer.workflows.lifecycle.LaunchCallMade;
import com.spotoptimizer.workflows.lifecycle.LaunchConfirmation;
import com.spotoptimizer.workflows.lifecycle.LaunchQueued;
import com.spotoptimizer.workflows.lifecycle.LaunchRefusal;
import com.spotoptimizer.workflows.lifecycle.LifecycleActivities;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.lifecycle.TerminationConfirmation;
import com.spotoptimizer.workflows.lifecycle.TerminationRequest;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.system.Transport;
import com.spotoptimizer.workflows.terminate.TerminationStarter;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;

public class LaunchInstanceWorkflowImpl implements LaunchInstanceWorkflow {

    private static final Logger log = Workflow.getLogger(LaunchInstanceWorkflowImpl.class);
    /** Version marker: a Temporal agent's launch cut off by the timeout is reclaimed by ClientToken. */
    static final String RECLAIM_UNCONFIRMED = "reclaim-unconfirmed-launch";
    /**
     * Version marker: the confirmation deadline runs from the agent's EC2 call ({@code launchCallMade}); while the
     * agent says it is queued ({@code launchQueued}) the bounded queue wait applies. Before it: from the start.
     */
    static final String DEADLINE_FROM_CALL = "deadline-from-ec2-call";
    /** Version marker: a launch with alternatives tries the next one when EC2 refuses for capacity. */
    static final String CAPACITY_FALLBACK = "capacity-fallback";
    /** Version marker: an HTTP agent's capacity refusal falls back too (a new command per attempt). */
    static final String HTTP_CAPACITY_FALLBACK = "http-capacity-fallback";

    /** What became of the work handed to a Temporal agent (HTTP agents poll their command instead). */
    private enum AgentWork {
        NONE,
        WORKING,
        /** Ended without telling what it did (cut off, out of retries): it may have launched. */
        ENDED_UNANSWERED,
        ENDED
    }

    private final LifecycleActivities lifecycle = ActivityStubs.lifecycle();

    private LaunchInstanceInput input;
    private ConfirmationCheck check;
    private LaunchPhase phase = LaunchPhase.RECORDING;
    private InstanceSnapshot instance;
    private AgentWork agentWork = AgentWork.NONE;
    /** The confirmation being recorded or recorded; a conflicting one is discarded and the wait goes on. */
    private LaunchConfirmation confirmation;
    /** EC2 (or the HTTP agent) refused the launch: the reason. */
    private String refusal;
    private TerminationRequest terminationRequest;
    private boolean terminationRecorded;
    private final ConfirmationVerdicts verdicts = new ConfirmationVerdicts();
    /** Confirmations signalled before the workflow method ran (it sets who may confirm). */
    private final List<LaunchConfirmation> early = new ArrayList<>();
    /** Whether this run measures the deadline from the agent's call ({@link #DEADLINE_FROM_CALL}). */
    private boolean paced;
    /** Before {@link #DEADLINE_FROM_CALL}: the confirmation timeout from the start. */
    private Instant fixedDeadline;
    /** The current attempt's deadline, moved by what the agent says (null until the workflow method runs). */
    private CallDeadline attemptDeadline;
    /** Reports signalled before the workflow method ran, applied once it knows the agent and the clock. */
    private LaunchCallMade earlyCall;
    private LaunchQueued earlyQueued;
    /** What the row shows of the current attempt: whether the call is recorded, and the queue reason recorded. */
    private boolean callRecorded;
    private String recordedQueuedReason;
    /** The launch's own type and subnet, then its alternatives (null until the workflow method runs). */
    private LaunchAttempts attempts;
    private CancellationScope agentScope;

    @Override
    public LaunchResult launch(LaunchInstanceInput input) {
        this.input = input;
        this.check = ConfirmationCheck.forWorkflow(input.instanceId(), input.agentId());
        // The deadline runs from the start, so time spent retrying a recording step counts against it.
        Instant startedAt = now();
        fixedDeadline = startedAt.plus(input.confirmationTimeout());
        paced = Workflow.getVersion(DEADLINE_FROM_CALL, Workflow.DEFAULT_VERSION, 1) == 1;
        boolean fallback = !input.alternatives().isEmpty()
                && Workflow.getVersion(CAPACITY_FALLBACK, Workflow.DEFAULT_VERSION, 1) == 1;
        // An HTTP agent's capacity refusal falls back too, each later attempt a command of its own.
        boolean httpCommands = fallback && input.transport() == Transport.HTTP
                && Workflow.getVersion(HTTP_CAPACITY_FALLBACK, Workflow.DEFAULT_VERSION, 1) == 1;
        attempts = new LaunchAttempts(input, fallback, httpCommands);
        // Set after the attempts: a report handler that finds the deadline set reads the current attempt.
        attemptDeadline = new CallDeadline(input.confirmationTimeout(), input.queueWaitOrDefault(), startedAt);
        applyEarlyReports();
        record(() -> lifecycle.recordLaunchRequested(input));
        early.forEach(this::confirmLaunched);
        if (fallback) {
            recordAttempt();
        }
        agentScope = dispatchToAgent(agentBound());

        awaitOutcome();
        if (confirmation == null && refusal == null && agentScope != null) {
            // The agent must not keep polling EC2 for a launch we have given up on.
            if (agentWork == AgentWork.WORKING) {
                agentWork = AgentWork.ENDED_UNANSWERED;
            }
            agentScope.cancel();
        }

        if (phase == LaunchPhase.HANDED_OVER) {
            log.info("Launch handed over to its termination after a recording failure instance_id={}", input.instanceId());
        } else if (confirmation != null) {
            if (terminationRequest != null) {
                terminate("terminated while launching");
            }
        } else if (refusal != null) {
            settleRefusedLaunch();
        } else if (terminationRequest != null) {
            // Nothing confirmed, but the agent may have launched: terminate by ClientToken.
            terminate("terminated while launching; launch not confirmed in time");
        } else {
            recordOrReclaim(() -> lifecycle.recordLaunchTimedOut(new Outcome(input.instanceId(), timeoutReason())));
            if (phase != LaunchPhase.HANDED_OVER) {
                reclaimLateInstance();
            }
        }
        if (phase != LaunchPhase.HANDED_OVER) {
            phase = LaunchPhase.CLOSED; // Confirmations from now on are refused, so no handler waits for a verdict.
        }
        Workflow.await(Workflow::isEveryHandlerFinished);
        phase = LaunchPhase.CLOSED;
        return new LaunchResult(instance.instanceId(), instance.ec2InstanceId(), instance.status(), instance.failureReason());
    }

    /**
     * Waits for a confirmation or a refusal until the deadline, and records a confirmation. One the record
     * refuses (its EC2 id belongs to another instance) is discarded and the wait goes on: a wrong agent
     * answer never settles the launch.
     */
    private void awaitOutcome() {
        while (true) {
            phase = LaunchPhase.AWAITING_CONFIRMATION;
            Instant deadline = deadline();
            Workflow.await(remaining(deadline), () -> confirmation != null || refusal != null
                    || (paced && (progressToRecord() || !deadline().equals(deadline))) || attempts.nextDue());
            if (attempts.nextDue() && confirmation == null && refusal == null && terminationRequest == null) {
                nextAttempt();
                continue;
            }
            if (paced && confirmation == null && refusal == null) {
                if (progressToRecord()) {
                    recordProgress();
                    continue;
                }
                if (!deadline().equals(deadline)) {
                    continue; // the agent queued or made its call: the deadline moved
                }
            }
            // From here on the outcome is being decided: a termination request now goes to the termination
            // workflow (the validator rejects it), and one accepted before is recorded before the outcome is.
            phase = LaunchPhase.SETTLING;
            Workflow.await(() -> terminationRequest == null || terminationRecorded);
            if (confirmation == null || recordConfirmation()) {
                return;
            }
        }
    }

    /**
     * The deadline in force: before {@link #DEADLINE_FROM_CALL} the confirmation timeout from the start; since, the
     * current attempt's {@link CallDeadline} (from its hand-over, its queue wait, or its call).
     */
    private Instant deadline() {
        return paced ? attemptDeadline.deadline() : fixedDeadline;
    }

    /** How long the agent may hold the current attempt: its queue wait, then the confirmation timeout from its call. */
    private Instant agentBound() {
        return paced ? attemptDeadline.agentBound() : fixedDeadline;
    }

    /** EC2 refused the attempt for capacity: the row says so, and the next alternative goes to the agent. */
    private void nextAttempt() {
        LaunchAttempt.SkippedAlternative refused = attempts.advance();
        log.info("Launch attempt refused for capacity, trying the next instance_id={} attempt={} instance_type={} reason={}",
                input.instanceId(), attempts.index() - 1, refused.instanceType(), refused.reason());
        attemptDeadline.restart(now());
        callRecorded = false;
        recordedQueuedReason = null;
        recordAttempt();
        agentScope = dispatchToAgent(agentBound());
    }

    /** The row's instance type, launched_with and skipped_alternatives for the current attempt (null: none left). */
    private void recordAttempt() {
        try {
            instance = lifecycle.recordLaunchAttempt(attempts.payload(Workflow.getInfo().getWorkflowId()));
        } catch (ActivityFailure failure) {
            log.warn("Launch attempt not recorded instance_id={} attempt={} reason={}", input.instanceId(),
                    attempts.index(), ActivityStubs.recordingFailure(failure));
        }
    }

    private String timeoutReason() {
        String queuedReason = attemptDeadline.queuedReason();
        if (paced && queuedReason != null) {
            return "never got an EC2 turn within " + input.queueWaitOrDefault().toSeconds() + "s (" + queuedReason + ")";
        }
        return "not confirmed within " + input.confirmationTimeout().toSeconds() + "s";
    }

    /** A call or a changed queue reason the row does not show yet. */
    private boolean progressToRecord() {
        String queuedReason = attemptDeadline.queuedReason();
        return (attemptDeadline.called() && !callRecorded)
                || (queuedReason != null && !queuedReason.equals(recordedQueuedReason));
    }

    /** Writes the call or the queue reason to the row; a failure to write it never fails the launch. */
    private void recordProgress() {
        try {
            if (attemptDeadline.called()) {
                callRecorded = true;
                instance = lifecycle.recordLaunchCallMade(new LaunchCallMade(input.instanceId(), input.agentId(),
                        attemptDeadline.callAt(), attempts.index()));
            } else {
                String reason = attemptDeadline.queuedReason();
                recordedQueuedReason = reason;
                instance = lifecycle.recordLaunchQueued(new LaunchQueued(input.instanceId(), input.agentId(), reason,
                        now(), attempts.index()));
            }
        } catch (ActivityFailure failure) {
            log.warn("Launch progress not recorded instance_id={} reason={}", input.instanceId(),
                    ActivityStubs.recordingFailure(failure));
        }
    }

    /** Reports signalled before the workflow method ran are checked and applied now that it knows the agent. */
    private void applyEarlyReports() {
        if (earlyQueued != null) {
            launchQueued(earlyQueued);
        }
        if (earlyCall != null) {
            launchCallMade(earlyCall);
        }
        earlyQueued = null;
        earlyCall = null;
    }

    /** True when the confirmation is recorded (or the launch handed over after a failure); false: discarded. */
    private boolean recordConfirmation() {
        LaunchConfirmation candidate = confirmation;
        try {
            setInstance(lifecycle.recordLaunchConfirmed(candidate));
            verdicts.accepted(candidate.ec2InstanceId(), instance);
            return true;
        } catch (ActivityFailure failure) {
            if (ActivityStubs.isConfirmationConflict(failure)) {
                log.warn("Launch confirmation refused by the record instance_id={} ec2_instance_id={}",
                        input.instanceId(), candidate.ec2InstanceId());
                verdicts.refused(candidate.ec2InstanceId(), ConfirmationVerdict.EC2_ID_CONFLICT, instance);
                confirmation = null;
                return false;
            }
            verdicts.refused(candidate.ec2InstanceId(), ConfirmationVerdict.RECORDING_FAILED, instance);
            failAndReclaim("launch confirmation " + ActivityStubs.recordingFailure(failure));
            return true;
        }
    }

    private CancellationScope dispatchToAgent(Instant deadline) {
        if (input.transport() != Transport.TEMPORAL) {
            return null; // An HTTP agent polls the command queued by recordLaunchRequested.
        }
        AgentActivities agent = ActivityStubs.agent(input.agentTaskQueue(), remaining(deadline), input.priority());
        LaunchCommand command = LaunchCommands.of(Workflow.getInfo().getWorkflowId(), input, attempts.index());
        agentWork = AgentWork.WORKING;
        CancellationScope scope = Workflow.newCancellationScope(() ->
                Async.procedure(agent::launchInstance, command).handle((ignored, failure) -> {
                    String reason = failure == null ? null : ActivityStubs.nonRetryableReason(failure);
                    // Timed out or cancelled rather than refused: RunInstances may have run.
                    boolean unanswered = failure != null && reason == null;
                    if (agentWork == AgentWork.WORKING) {
                        agentWork = unanswered ? AgentWork.ENDED_UNANSWERED : AgentWork.ENDED;
                    }
                    if (reason != null && confirmation == null) {
                        refused(reason, attempts.fallback() && ActivityStubs.isCapacityRefusal(failure));
                    }
                    return null;
                }));
        scope.run();
        return scope;
    }

    /**
     * EC2 refused the current attempt: with another alternative left and a capacity refusal, the main loop moves on
     * to it; otherwise the launch ends refused (naming every attempt when all were refused for capacity).
     */
    private void refused(String reason, boolean capacityWithFallback) {
        if (attempts.refused(reason, capacityWithFallback) == LaunchAttempts.Refused.FINAL) {
            refusal = attempts.finalReason(reason); // recorded by the main loop: no blocking in a signal or callback
        }
    }

    private void settleRefusedLaunch() {
        if (attempts.everyRefused()) {
            recordAttempt(); // no attempt left: launched_with cleared, every refusal listed
        }
        if (terminationRequest == null) {
            record(() -> lifecycle.recordLaunchFailed(new Outcome(input.instanceId(), refusal)));
            return;
        }
        // EC2 refused the launch, so there is nothing to terminate: the termination is done.
        record(() -> lifecycle.recordTerminated(
                new TerminationConfirmation(input.instanceId(), input.agentId(), null, now())));
    }

    /** After a timeout: an instance that turns up late is terminated, not adopted (the user was told it failed). */
    private void reclaimLateInstance() {
        phase = LaunchPhase.AWAITING_LATE_CONFIRMATION;
        Instant windowEnd = now().plus(input.lateConfirmationWindow());
        while (true) {
            boolean late = Workflow.await(remaining(windowEnd),
                    () -> confirmation != null || terminationRequest != null
                            || (input.transport() == Transport.TEMPORAL && agentWork != AgentWork.WORKING));
            if (!late || (confirmation == null && terminationRequest == null)) {
                if (late && agentWork == AgentWork.ENDED_UNANSWERED
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
                phase = LaunchPhase.SETTLING;
                if (!recordConfirmation()) {
                    phase = LaunchPhase.AWAITING_LATE_CONFIRMATION;
                    continue;
                }
                if (phase == LaunchPhase.HANDED_OVER) {
                    return;
                }
            }
            terminate(terminationRequest != null ? terminationRequest.reason() : "launch confirmed after its timeout");
            return;
        }
    }

    private void terminate(String reason) {
        phase = LaunchPhase.HANDED_OVER;
        TerminationRequest request = terminationRequest != null
                ? terminationRequest
                : new TerminationRequest(input.requestId() + "-reclaim", reason, now());
        TerminationStarter.startDetached(input, request, reason);
    }

    /**
     * A recording step that failed for good: the row moves to {@code launch_failed} with the reason, and
     * whatever the agent may have launched is reclaimed. If even that cannot be written, the workflow fails
     * and the row is left to the stuck-launch alert and the restart reconciler.
     */
    private void failAndReclaim(String reason) {
        log.warn("Launch step failed for good instance_id={} reason={}", input.instanceId(), reason);
        setInstance(lifecycle.recordLaunchFailed(new Outcome(input.instanceId(), reason)));
        terminate("launch failed: " + reason);
    }

    private void record(Supplier<InstanceSnapshot> step) {
        setInstance(step.get());
    }

    private void recordOrReclaim(Supplier<InstanceSnapshot> step) {
        try {
            record(step);
        } catch (ActivityFailure failure) {
            failAndReclaim(ActivityStubs.recordingFailure(failure));
        }
    }

    @Override
    public void reportLaunchRefused(LaunchRefusal report) {
        if (confirmation != null || refusal != null || attempts == null || attempts.nextDue() || report == null
                || !input.instanceId().equals(report.instanceId())) {
            return;
        }
        if (!report.isFor(attempts.index())) {
            log.info("Stale launch refusal ignored instance_id={} attempt={} current_attempt={}", report.instanceId(),
                    report.attempt(), attempts.index());
            return;
        }
        refused(report.reason(), attempts.httpCommands() && report.capacityRefused());
    }

    @Override
    public void launchCallMade(LaunchCallMade made) {
        if (made == null || made.madeAt() == null) {
            return;
        }
        if (attemptDeadline == null) {
            if (earlyCall == null) {
                // An agent clock ahead of ours must not push the deadline past call + timeout: never later than now.
                Instant now = now();
                earlyCall = made.madeAt().isAfter(now)
                        ? new LaunchCallMade(made.instanceId(), made.agentId(), now, made.attempt()) : made;
            }
            return;
        }
        if (check.refusal(made.instanceId(), made.agentId()) != null) {
            log.warn("Launch call report refused instance_id={} agent_id={}", made.instanceId(), made.agentId());
        } else if (!made.isFor(attempts.index())) {
            log.info("Stale launch call report ignored instance_id={} attempt={} current_attempt={}",
                    made.instanceId(), made.attempt(), attempts.index());
        } else {
            attemptDeadline.callMade(made.madeAt(), now());
        }
    }

    @Override
    public void launchQueued(LaunchQueued report) {
        if (report == null || report.reason() == null) {
            return;
        }
        if (attemptDeadline == null) {
            earlyQueued = report;
        } else if (check.refusal(report.instanceId(), report.agentId()) == null && report.isFor(attempts.index())) {
            attemptDeadline.queued(report.reason());
        }
    }

    @Override
    public void confirmLaunched(LaunchConfirmation offered) {
        if (offered == null || offered.ec2InstanceId() == null) {
            return;
        }
        if (check == null) {
            early.add(offered);
            return;
        }
        String refused = check.refusal(offered.instanceId(), offered.agentId());
        if (refused != null) {
            log.warn("Launch confirmation refused instance_id={} agent_id={} ec2_instance_id={} refusal={}",
                    offered.instanceId(), offered.agentId(), offered.ec2InstanceId(), refused);
        } else if (confirmation == null && phase.takesConfirmations()) {
            confirmation = offered;
        }
    }

    @Override
    public void validateLaunchConfirmation(LaunchConfirmation offered) {
        if (offered == null || offered.instanceId() == null || offered.ec2InstanceId() == null) {
            throw new IllegalArgumentException("a confirmation needs the instance id and the EC2 id");
        }
    }

    @Override
    public ConfirmationVerdict submitLaunchConfirmation(LaunchConfirmation offered) {
        Workflow.await(() -> instance != null);
        String refused = check.refusal(offered.instanceId(), offered.agentId());
        if (refused != null) {
            return ConfirmationVerdict.refused(refused, instance.ec2InstanceId(), instance);
        }
        String ec2Id = offered.ec2InstanceId();
        ConfirmationVerdict decided = verdicts.decided(ec2Id, instance);
        if (decided != null) {
            return decided;
        }
        if (confirmation != null && !confirmation.ec2InstanceId().equals(ec2Id)) {
            return ConfirmationVerdict.refused(ConfirmationVerdict.EC2_ID_MISMATCH, confirmation.ec2InstanceId(), instance);
        }
        if (instance.ec2InstanceId() != null && !instance.ec2InstanceId().equals(ec2Id)) {
            return ConfirmationVerdict.refused(ConfirmationVerdict.EC2_ID_MISMATCH, instance.ec2InstanceId(), instance);
        }
        if (confirmation == null) {
            if (!phase.takesConfirmations()) {
                return ConfirmationVerdict.refused(ConfirmationVerdict.SETTLED, instance.ec2InstanceId(), instance);
            }
            confirmation = offered;
        }
        return verdicts.await(ec2Id);
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
        if (!phase.takesTerminationRequests() && terminationRequest == null) {
            throw new IllegalStateException("launch already settled: terminate through the termination workflow");
        }
    }

    @Override
    public InstanceSnapshot requestTermination(TerminationRequest request) {
        Workflow.await(() -> instance != null);
        if (terminationRequest == null) {
            terminationRequest = request;
            record(() -> lifecycle.recordTerminationRequestedWhileLaunching(
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
        return new LaunchProgress(phase.label(), instance, terminationRequest != null);
    }

    private void setInstance(InstanceSnapshot snapshot) {
        instance = snapshot;
        ActivityStubs.upsertState(snapshot.status());
    }
}
