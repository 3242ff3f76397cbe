package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * The agent holds the launch until EC2's rate budget gives it a turn; {@code reason} says why and how far back
 * (coarse, so it changes only a few times per launch). While queued, the launch's bounded queue wait applies
 * instead of the confirmation deadline. {@code attempt}: as in {@link LaunchCallMade}.
 */
public record LaunchQueued(String instanceId, String agentId, String reason, Instant reportedAt, Integer attempt) {

    public LaunchQueued(String instanceId, String agentId, String reason, Instant reportedAt) {
        this(instanceId, agentId, reason, reportedAt, null);
    }

    /** False when the report names an attempt and it is not {@code current}. */
    public boolean isFor(int current) {
        return attempt == null || attempt == current;
    }
}
