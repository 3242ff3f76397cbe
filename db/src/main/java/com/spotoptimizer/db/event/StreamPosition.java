package com.spotoptimizer.db.event;

/**
 * Where a client's stream stands: {@code lastEventId} is the newest committed id, and every id at or
 * below {@code prunedThroughId} has been removed by retention (a resume point below it has a gap).
 */
public record StreamPosition(String clientId, long lastEventId, long prunedThroughId) {

    /** True if resuming after {@code afterId} would miss events that retention already removed. */
    public boolean isPrunedAfter(long afterId) {
        return afterId < prunedThroughId;
    }
}
