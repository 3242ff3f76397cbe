package com.spotoptimizer.workflows.lifecycle;

import java.util.List;

/**
 * The attempt a launch makes now ({@code instanceType}, {@code subnetId}; both null once every attempt was refused)
 * and the ones EC2 refused before it, each with EC2's reason.
 */
public record LaunchAttempt(String instanceId, int attempt, String instanceType, String subnetId,
                            List<SkippedAlternative> skipped) {

    /** An attempt EC2 refused for capacity. */
    public record SkippedAlternative(String instanceType, String subnetId, String reason) {
    }
}
