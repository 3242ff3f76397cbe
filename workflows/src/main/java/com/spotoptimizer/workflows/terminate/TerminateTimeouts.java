package com.spotoptimizer.workflows.terminate;

import java.time.Duration;

/** Named timeouts of a termination, measured from the moment it was recorded. */
public final class TerminateTimeouts {

    /** The seed's agent polls EC2 for at most 3 minutes before a termination counts as failed. */
    public static final Duration CONFIRMATION = Duration.ofMinutes(3);

    private TerminateTimeouts() {
    }
}
