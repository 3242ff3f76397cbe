package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.lifecycle.InstanceSnapshot;
import com.spotoptimizer.workflows.lifecycle.Outcome;
import io.temporal.activity.ActivityInterface;

/**
 * The moves' side of the one owner of instance state (control-plane task queue, implemented by the api
 * process): each write is one transition of {@code InstanceTransitions} — a version-checked update plus its event
 * in one transaction — and idempotent, so a retried activity or a replayed workflow changes nothing twice.
 */
@ActivityInterface
public interface MoveActivities {

    /** Records the move's command (idempotent by command id); HTTP agents see it in pending-commands. */
    void recordMoveRequested(MoveCommand command);

    /** The row as it is now, or null when there is none (a replacement not recorded yet). */
    InstanceSnapshot getInstance(String instanceId);

    /** The running primary this replica stands in for (see {@code InstanceRepository.findPrimaryFor}), or null. */
    InstanceSnapshot findPrimaryFor(String replicaInstanceId);

    /** {@code running_replica → promoting} (INSTANCE_PROMOTING). Not a running replica: non-retryable failure. */
    InstanceSnapshot recordPromotionRequested(Outcome request);

    /**
     * {@code promoting → running_primary} (INSTANCE_PROMOTED). A row that is no longer promoting (EC2 ended it:
     * {@code terminated}) comes back unchanged, and the promotion has failed.
     */
    InstanceSnapshot recordPromoted(Outcome request);

    /** {@code promoting → running_replica}: the promotion failed before the old primary was touched. */
    InstanceSnapshot recordPromotionAbandoned(Outcome outcome);

    /** {@code running_primary → running_replica} (INSTANCE_DEMOTED), standing in for the new primary. */
    InstanceSnapshot recordDemoted(Demotion demotion);

    /** Closes the move's command with its outcome and announces COMMAND_EXECUTED carrying it (once). */
    void recordMoveOutcome(MoveResult outcome);
}
