package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import com.spotoptimizer.workflows.system.ActivityStubs;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The promotion steps every move shares: {@code running_replica → promoting → running_primary}. It never touches
 * the old primary: what becomes of that one is the caller's next step, taken only once this succeeded, so the
 * client is never without a running primary. Each step is idempotent (a replay or a resumed move repeats it
 * harmlessly). Workflow code: call it from a workflow thread only.
 */
final class Promotion {

    static final String RUNNING_PRIMARY = "running_primary";
    static final String PROMOTING = "promoting";
    private static final Logger log = Workflow.getLogger(Promotion.class);

    /** What the promotion came to: the row after it, and why it failed (null: promoted). */
    record Promoted(InstanceSnapshot instance, String failure) {

        boolean succeeded() {
            return failure == null;
        }
    }

    private final MoveActivities moves;

    Promotion(MoveActivities moves) {
        this.moves = moves;
    }

    Promoted promote(String replicaId, String why) {
        return promote(replicaId, why, row -> { });
    }

    /** {@code onRequested} sees the row once it is {@code promoting} (an API waits for that to answer 202). */
    Promoted promote(String replicaId, String why, Consumer<InstanceSnapshot> onRequested) {
        try {
            onRequested.accept(moves.recordPromotionRequested(new Outcome(replicaId, why)));
        } catch (ActivityFailure refused) {
            return new Promoted(moves.getInstance(replicaId), "not promotable: " + message(refused));
        }
        InstanceSnapshot after;
        try {
            after = moves.recordPromoted(new Outcome(replicaId, why));
        } catch (ActivityFailure failed) {
            return abandon(replicaId, "promotion could not be recorded: " + message(failed));
        }
        if (RUNNING_PRIMARY.equals(after.status())) {
            return new Promoted(after, null);
        }
        // Ground truth won meanwhile: EC2 ended the replica (its row is terminated), so there is nothing to undo.
        log.warn("Replica ended during its promotion instance_id={} status={}", replicaId, after.status());
        if (PROMOTING.equals(after.status())) {
            return abandon(replicaId, "promotion did not complete");
        }
        return new Promoted(after, "replica ended during promotion (" + after.status()
                + (after.failureReason() == null ? "" : ": " + after.failureReason()) + ")");
    }

    private Promoted abandon(String replicaId, String reason) {
        try {
            return new Promoted(moves.recordPromotionAbandoned(new Outcome(replicaId, reason)), reason);
        } catch (ActivityFailure failed) {
            // Left promoting: the InFlightReconciler turns it back into a replica once no move owns it.
            return new Promoted(null, reason + "; " + ActivityStubs.recordingFailure(failed));
        }
    }

    static String message(ActivityFailure failure) {
        if (failure.getCause() instanceof ApplicationFailure application) {
            return application.getOriginalMessage();
        }
        return failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage();
    }
}
