package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.system.Deadlines.now;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.system.ActivityStubs;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Failover phases: promote the replica (the interrupted primary is demoted, so the record shows one primary) and
 * start a new replica; or launch a replacement primary and wait for it to run. Then, after the action time plus a
 * grace, terminate the interrupted instance if EC2 has not ended it (ground truth usually records that first).
 */
public class InterruptionFailoverWorkflowImpl implements InterruptionFailoverWorkflow {

    private static final Logger log = Workflow.getLogger(InterruptionFailoverWorkflowImpl.class);

    private final MoveActivities moves = ActivityStubs.moves();
    private final Promotion promotion = new Promotion(moves);
    private final MoveChildren children = new MoveChildren(moves);

    private MovePhase phase = MovePhase.CHECKING;

    @Override
    public MoveResult failover(FailoverInput input) {
        String why = "spot interruption of " + input.interruptedId();
        MoveResult result = null;
        if (input.replicaId() != null) {
            phase = MovePhase.PROMOTING;
            Promotion.Promoted promoted = promotion.promote(input.replicaId(), why);
            if (promoted.succeeded()) {
                phase = MovePhase.DEMOTING_OLD;
                demoteInterrupted(input, why);
                phase = MovePhase.LAUNCHING_REPLACEMENT;
                children.launchDetached(input.newReplica());
                result = MoveResult.succeeded(null, input.replicaId(), input.interruptedId(),
                        "replica promoted; new replica " + input.newReplica().instanceId() + " launching");
            } else {
                log.warn("Failover could not promote the replica instance_id={} replica_id={} reason={}",
                        input.interruptedId(), input.replicaId(), promoted.failure());
            }
        }
        if (result == null) {
            phase = MovePhase.LAUNCHING_REPLACEMENT;
            InstanceSnapshot launched = children.launchAndAwait(input.replacementPrimary(),
                    input.replacementPrimary().confirmationTimeout().plus(MoveTimeouts.REPLACEMENT_GRACE));
            result = launched != null && "running_primary".equals(launched.status())
                    ? MoveResult.succeeded(null, launched.instanceId(), input.interruptedId(), "replacement primary running")
                    : MoveResult.failed(null, "replacement primary did not run: " + MoveChildren.describe(launched),
                            null, input.interruptedId());
        }

        phase = MovePhase.AWAITING_INTERRUPTION;
        Duration untilAction = Duration.between(now(), input.actionTime().plus(MoveTimeouts.INTERRUPTION_GRACE));
        if (untilAction.compareTo(Duration.ZERO) > 0) {
            Workflow.sleep(untilAction);
        }
        InstanceSnapshot interrupted = moves.getInstance(input.interruptedId());
        if (MoveChildren.isRunning(interrupted)) {
            phase = MovePhase.TERMINATING_OLD;
            children.terminateAndAwait(input.interruptedTermination());
        }
        phase = result.succeeded() ? MovePhase.SUCCEEDED : MovePhase.FAILED;
        return result;
    }

    private void demoteInterrupted(FailoverInput input, String why) {
        try {
            moves.recordDemoted(new Demotion(input.interruptedId(), input.replicaId(), why));
        } catch (ActivityFailure failure) {
            // Not fatal: the new primary serves; EC2 ends the interrupted one and ground truth records it.
            log.warn("Could not demote the interrupted primary instance_id={} reason={}", input.interruptedId(),
                    Promotion.message(failure));
        }
    }

    @Override
    public MovePhase getPhase() {
        return phase;
    }
}
