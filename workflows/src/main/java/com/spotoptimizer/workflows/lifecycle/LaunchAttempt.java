package com.spotoptimizer.workflows.lifecycle;

import com.spotoptimizer.workflows.agent.LaunchCommand;
import java.util.List;

/**
 * The attempt a launch makes now ({@code instanceType}, {@code subnetId}; both null once every attempt was refused)
 * and the ones EC2 refused before it, each with EC2's reason. {@code httpCommand}: for an HTTP agent's attempt after
 * the first, the command to queue for it (its own ClientToken, type and subnet); null otherwise.
 */
public record LaunchAttempt(String instanceId, int attempt, String instanceType, String subnetId,
                            List<SkippedAlternative> skipped, LaunchCommand httpCommand) {

    public LaunchAttempt(String instanceId, int attempt, String instanceType, String subnetId,
                         List<SkippedAlternative> skipped) {
        this(instanceId, attempt, instanceType, subnetId, skipped, null);
    }

    /** An attempt EC2 refused for capacity. */
    public record SkippedAlternative(String instanceType, String subnetId, String reason) {
    }
}
