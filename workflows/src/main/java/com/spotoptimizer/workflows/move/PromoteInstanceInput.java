package com.spotoptimizer.workflows.move;

import com.spotoptimizer.workflows.terminate.TerminateInstanceInput;

/**
 * A client's promotion of a running replica. {@code oldPrimaryId} is the primary it stands in for when the request
 * was accepted (null: none, the replica simply becomes a primary); {@code oldPrimaryTermination} is set when
 * {@code demoteTo} is {@link DemoteTo#TERMINATED}.
 */
public record PromoteInstanceInput(
        String clientId,
        String requestId,
        String replicaId,
        String oldPrimaryId,
        DemoteTo demoteTo,
        TerminateInstanceInput oldPrimaryTermination) {
}
