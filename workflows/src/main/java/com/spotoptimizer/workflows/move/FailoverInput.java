package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.launch.LaunchInstanceInput;
import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;
import java.time.Instant;

/**
 * A spot interruption notice for a running primary, fixed at start. {@code replicaId} is its running replica when
 * the notice arrived (null: none); {@code newReplica} the replica launched for that replica once promoted;
 * {@code replacementPrimary} the primary launched at once when there is no replica to promote (same type and
 * spec as the interrupted one); {@code interruptedTermination} ends the interrupted instance if EC2 has not by
 * {@code actionTime} plus a grace.
 */
public record FailoverInput(
        String clientId,
        String interruptedId,
        String noticeKey,
        Instant actionTime,
        String replicaId,
        LaunchInstanceInput newReplica,
        LaunchInstanceInput replacementPrimary,
        TerminateInstanceInput interruptedTermination) {
}
