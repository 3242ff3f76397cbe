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

    private LaunchTimeouts() {
    }
}
