package com.spotoptimizer.workflows.lifecycle;

import java.time.Instant;

/**
 * The agent made its EC2 call for this launch (a Temporal agent: RunInstances got its turn; an HTTP agent: it
 * leased the LAUNCH_INSTANCE command). The confirmation deadline runs from {@code madeAt}, not from the request.
 * {@code attempt} is the launch attempt the call is for (see {@link LaunchAttempt}); a report for another attempt
 * than the current one is stale (it arrived after a capacity fallback moved on) and is ignored. Null: the sender
 * does not say (reports from before attempts were numbered), taken as the current attempt.
 */
public record LaunchCallMade(String instanceId, String agentId, Instant madeAt, Integer attempt) {

    public LaunchCallMade(String instanceId, String agentId, Instant madeAt) {
        this(instanceId, agentId, madeAt, null);
    }

    /** False when the report names an attempt and it is not {@code current}. */
    public boolean isFor(int current) {
        return attempt == null || attempt == current;
    }
}
