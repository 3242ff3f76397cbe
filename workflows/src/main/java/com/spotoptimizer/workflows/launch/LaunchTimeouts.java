package com.spotoptimizer.workflows.launch;

import java.time.Duration;

/** Named timeouts of a launch, measured from the moment the launch was recorded. */
public final class LaunchTimeouts {

    /** The seed's agent polls EC2 for at most 5 minutes before a launch counts as failed. */
    public static final Duration CONFIRMATION = Duration.ofMinutes(5);

    /**
     * After a timeout the workflow keeps listening this long for a late confirmation, so an instance
     * that turns up late is terminated rather than forgotten. The orphan sweep covers anything later.
     */
    public static final Duration LATE_CONFIRMATION_WINDOW = Duration.ofMinutes(30);

    /**
     * How long a launch may wait for the agent's EC2 turn (the agent paces RunInstances under EC2's rate limits)
     * once the agent says it is queued. After it, the launch ends {@code launch_timed_out}: it never got a turn.
     */
    public static final Duration MAX_QUEUE_WAIT = Duration.ofMinutes(30);

    private LaunchTimeouts() {
    }
}
