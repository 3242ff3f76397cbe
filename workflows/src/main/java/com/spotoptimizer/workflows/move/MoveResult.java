package com.spotoptimizer.workflows.move;

/**
 * How a move ended. {@code commandId} is the move's command (null for a promotion or a failover, which have
 * none); {@code newInstanceId} the instance that is primary because of it (null when the move failed before one
 * was); {@code oldInstanceId} the primary it replaced.
 */
public record MoveResult(String commandId, boolean succeeded, String reason, String newInstanceId,
                         String oldInstanceId) {

    public static MoveResult succeeded(String commandId, String newInstanceId, String oldInstanceId, String note) {
        return new MoveResult(commandId, true, note, newInstanceId, oldInstanceId);
    }

    public static MoveResult failed(String commandId, String reason, String newInstanceId, String oldInstanceId) {
        return new MoveResult(commandId, false, reason, newInstanceId, oldInstanceId);
    }
}
