package com.spotoptimizer.workflows.move;

import static com.spotoptimizer.workflows.system.Deadlines.now;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.system.ActivityStubs;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The switch as phases, each idempotent: a replay, or a move resumed after its workflow was lost, finds work
 * already done (the replacement's row, a promotion) and goes on from there. The old primary keeps serving until
 * the replacement is primary; a replacement that never ran is left to its launch workflow (which terminates
 * anything that turns up late); one that ran but could not be promoted is terminated.
 */
public class SwitchInstanceWorkflowImpl implements SwitchInstanceWorkflow {

    private static final Logger log = Workflow.getLogger(SwitchInstanceWorkflowImpl.class);
    static final String RUNNING_PRIMARY = "running_primary";
    static final String TERMINATED = "terminated";

    private final MoveActivities moves = ActivityStubs.moves();
    private final Promotion promotion = new Promotion(moves);
    private final MoveChildren children = new MoveChildren(moves);

    private MovePhase phase = MovePhase.RECORDING;
    private boolean recorded;
    private SwitchInstanceInput input;

    @Override
    public MoveResult switchInstance(SwitchInstanceInput input) {
        this.input = input;
        moves.recordMoveRequested(input.command());
        recorded = true;
        if (input.command().notBefore() != null) {
            phase = MovePhase.WAITING_NOT_BEFORE;
            Duration wait = Duration.between(now(), input.command().notBefore());
            if (wait.compareTo(Duration.ZERO) > 0) {
                Workflow.sleep(wait);
            }
        }

        phase = MovePhase.CHECKING;
        LaunchInstanceInput replacement = input.replacement();
        InstanceSnapshot old = moves.getInstance(input.oldInstanceId());
        InstanceSnapshot existing = moves.getInstance(replacement.instanceId());
        boolean alreadyPromoted = existing != null && RUNNING_PRIMARY.equals(existing.status());
        if (!alreadyPromoted && (old == null || !RUNNING_PRIMARY.equals(old.status()))) {
            return fail("instance to replace is " + MoveChildren.describe(old) + ", not running_primary", null);
        }

        if (!alreadyPromoted) {
            phase = MovePhase.LAUNCHING_REPLACEMENT;
            InstanceSnapshot launched = children.launchAndAwait(replacement, input.replacementTimeout());
            if (launched == null || !"running_replica".equals(launched.status()) && !"promoting".equals(launched.status())) {
                // Never ran (refused, timed out): its launch workflow owns whatever turns up late and terminates it.
                return fail("replacement did not run: " + MoveChildren.describe(launched), null);
            }
            phase = MovePhase.PROMOTING;
            Promotion.Promoted promoted = promotion.promote(replacement.instanceId(),
                    input.command().commandType() + " " + input.command().requestId());
            if (!promoted.succeeded()) {
                reclaimReplacement(replacement);
                return fail(promoted.failure(), null);
            }
        }

        phase = MovePhase.TERMINATING_OLD;
        InstanceSnapshot terminated = children.terminateAndAwait(input.oldTermination());
        if (terminated == null || !TERMINATED.equals(terminated.status())) {
            // The new primary serves; the old one is left in its failure state for the alert and the user.
            return fail("old primary not terminated: " + MoveChildren.describe(terminated), replacement.instanceId());
        }
        phase = MovePhase.SUCCEEDED;
        return finish(MoveResult.succeeded(input.command().commandId(), replacement.instanceId(), input.oldInstanceId(),
                "replaced by " + replacement.instanceId()));
    }

    /** The replacement ran but is not the primary: it must not run on unowned. */
    private void reclaimReplacement(LaunchInstanceInput replacement) {
        InstanceSnapshot row = moves.getInstance(replacement.instanceId());
        if (row == null || TERMINATED.equals(row.status())) {
            return;
        }
        phase = MovePhase.RECLAIMING_REPLACEMENT;
        children.terminateAndAwait(new TerminateInstanceInput(replacement.instanceId(), replacement.clientId(),
                replacement.agentId(), replacement.transport(), replacement.agentTaskQueue(), replacement.requestId(),
                replacement.instanceType(), input.command().requestId() + "-reclaim", "switch failed: replacement reclaimed",
                now(), input.oldTermination().confirmationTimeout(), input.command().priority()));
    }

    private MoveResult fail(String reason, String newInstanceId) {
        log.warn("Switch failed command_id={} instance_id={} reason={}", input.command().commandId(),
                input.oldInstanceId(), reason);
        phase = MovePhase.FAILED;
        return finish(MoveResult.failed(input.command().commandId(), reason, newInstanceId, input.oldInstanceId()));
    }

    private MoveResult finish(MoveResult result) {
        moves.recordMoveOutcome(result);
        Workflow.await(Workflow::isEveryHandlerFinished);
        return result;
    }

    @Override
    public String awaitRecorded() {
        Workflow.await(() -> recorded);
        return input.command().commandId();
    }

    @Override
    public MovePhase getPhase() {
        return phase;
    }
}
