package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.system.ActivityStubs;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

public class PromoteInstanceWorkflowImpl implements PromoteInstanceWorkflow {

    private static final Logger log = Workflow.getLogger(PromoteInstanceWorkflowImpl.class);

    private final MoveActivities moves = ActivityStubs.moves();
    private final Promotion promotion = new Promotion(moves);
    private final MoveChildren children = new MoveChildren(moves);

    private MovePhase phase = MovePhase.PROMOTING;
    private InstanceSnapshot recorded;
    private RequestedPromotion requested;

    @Override
    public MoveResult promote(PromoteInstanceInput input) {
        // Before anything blocks, so the query answers from the first workflow task on; no command, replay-safe.
        requested = RequestedPromotion.of(input);
        String why = "promoted on request " + input.requestId();
        Promotion.Promoted promoted = promotion.promote(input.replicaId(), why, row -> recorded = row);
        if (recorded == null) {
            recorded = promoted.instance();
        }
        if (!promoted.succeeded()) {
            phase = MovePhase.FAILED;
            log.warn("Promotion failed instance_id={} reason={}", input.replicaId(), promoted.failure());
            return finish(MoveResult.failed(null, promoted.failure(), null, input.oldPrimaryId()));
        }
        if (input.oldPrimaryId() == null) {
            phase = MovePhase.SUCCEEDED;
            return finish(MoveResult.succeeded(null, input.replicaId(), null, "no primary to demote"));
        }
        if (input.demoteTo() == DemoteTo.TERMINATED) {
            phase = MovePhase.TERMINATING_OLD;
            InstanceSnapshot old = children.terminateAndAwait(input.oldPrimaryTermination());
            boolean terminated = old != null && "terminated".equals(old.status());
            phase = terminated ? MovePhase.SUCCEEDED : MovePhase.FAILED;
            return finish(terminated
                    ? MoveResult.succeeded(null, input.replicaId(), input.oldPrimaryId(), "old primary terminated")
                    : MoveResult.failed(null, "promoted; old primary not terminated: " + MoveChildren.describe(old),
                            input.replicaId(), input.oldPrimaryId()));
        }
        phase = MovePhase.DEMOTING_OLD;
        try {
            InstanceSnapshot old = moves.recordDemoted(new Demotion(input.oldPrimaryId(), input.replicaId(), why));
            phase = MovePhase.SUCCEEDED;
            return finish(MoveResult.succeeded(null, input.replicaId(), input.oldPrimaryId(),
                    "old primary " + old.status()));
        } catch (ActivityFailure failure) {
            phase = MovePhase.FAILED;
            return finish(MoveResult.failed(null, "promoted; old primary not demoted: " + Promotion.message(failure),
                    input.replicaId(), input.oldPrimaryId()));
        }
    }

    private MoveResult finish(MoveResult result) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        return result;
    }

    @Override
    public InstanceSnapshot awaitRecorded() {
        Workflow.await(() -> recorded != null || phase.isClosed());
        return recorded;
    }

    @Override
    public MovePhase getPhase() {
        return phase;
    }

    @Override
    public RequestedPromotion getRequestedPromotion() {
        return requested;
    }
}
