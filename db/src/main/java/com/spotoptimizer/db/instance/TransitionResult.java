package com.spotoptimizer.db.instance;

/**
 * The row after a transition. {@code changed} is false when the transition had already happened
 * (a repeated confirmation, a retried activity): nothing was written, no event, no metric.
 */
public record TransitionResult(InstanceRow row, boolean changed) {
}
