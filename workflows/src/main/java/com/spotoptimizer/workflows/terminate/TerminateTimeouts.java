package com.spotoptimizer.workflows.terminate;

import java.time.Duration;

/** Named timeouts of a termination, measured from the moment it was recorded or from the agent's EC2 call. */
public final class TerminateTimeouts {

    /** The seed's agent polls EC2 for at most 3 minutes before a termination counts as failed. */
    public static final Duration CONFIRMATION = Duration.ofMinutes(3);

    /**
     * How long a termination may wait for its TerminateInstances turn once the agent says it is queued. EC2 refills
     * 20 terminations a second, so only a termination behind a great many higher-priority ones waits long: it must
     * still end, in {@code termination_timed_out} with the reason, rather than sit in {@code terminating}.
     */
    public static final Duration MAX_QUEUE_WAIT = Duration.ofMinutes(15);

    private TerminateTimeouts() {
    }
}
