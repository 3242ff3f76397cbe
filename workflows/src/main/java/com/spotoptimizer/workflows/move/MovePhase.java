package com.spotoptimizer.workflows.move;

/** Where a move is; each move goes through the phases that apply to it, in this order. */
public enum MovePhase {
    RECORDING,
    /** A scheduled move waits for its {@code not_before} (a durable timer). */
    WAITING_NOT_BEFORE,
    CHECKING,
    LAUNCHING_REPLACEMENT,
    PROMOTING,
    DEMOTING_OLD,
    TERMINATING_OLD,
    /** The move failed after its replacement ran: the replacement is terminated. */
    RECLAIMING_REPLACEMENT,
    /** A failover waits for the interruption's action time, then terminates what EC2 left running. */
    AWAITING_INTERRUPTION,
    SUCCEEDED,
    FAILED;

    public boolean isClosed() {
        return this == SUCCEEDED || this == FAILED;
    }
}
