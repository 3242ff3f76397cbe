package com.spotoptimizer.workflows.testing;

import java.util.Map;
import java.util.Set;

/** The lifecycle state machine as the database enforces it (mirrors {@code InstanceStatus} in {@code db}). */
public final class Statuses {

    public static final String LAUNCHING = "launching";
    public static final String RUNNING_PRIMARY = "running_primary";
    public static final String RUNNING_REPLICA = "running_replica";
    public static final String PROMOTING = "promoting";
    public static final String TERMINATING = "terminating";
    public static final String TERMINATED = "terminated";
    public static final String LAUNCH_FAILED = "launch_failed";
    public static final String LAUNCH_TIMED_OUT = "launch_timed_out";
    public static final String TERMINATION_FAILED = "termination_failed";
    public static final String TERMINATION_TIMED_OUT = "termination_timed_out";

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            LAUNCHING, Set.of(RUNNING_PRIMARY, RUNNING_REPLICA, LAUNCH_FAILED, LAUNCH_TIMED_OUT, TERMINATING),
            RUNNING_PRIMARY, Set.of(RUNNING_REPLICA, TERMINATING, TERMINATED),
            RUNNING_REPLICA, Set.of(PROMOTING, TERMINATING, TERMINATED),
            PROMOTING, Set.of(RUNNING_PRIMARY, RUNNING_REPLICA, TERMINATING, TERMINATED),
            TERMINATING, Set.of(TERMINATED, TERMINATION_FAILED, TERMINATION_TIMED_OUT),
            LAUNCH_FAILED, Set.of(TERMINATING),
            LAUNCH_TIMED_OUT, Set.of(TERMINATING),
            TERMINATION_FAILED, Set.of(TERMINATING),
            TERMINATION_TIMED_OUT, Set.of(TERMINATING),
            TERMINATED, Set.of());

    private Statuses() {
    }

    public static boolean canMove(String from, String to) {
        Set<String> targets = ALLOWED.get(from);
        if (targets == null) {
            throw new IllegalArgumentException("unknown status " + from);
        }
        return targets.contains(to);
    }

    /** The event a state announces (the API contract's event type names). */
    public static String eventType(String status) {
        return switch (status) {
            case LAUNCHING -> "INSTANCE_LAUNCHING";
            case RUNNING_PRIMARY, RUNNING_REPLICA -> "INSTANCE_RUNNING";
            case PROMOTING -> "INSTANCE_PROMOTING";
            case TERMINATING -> "INSTANCE_TERMINATING";
            case TERMINATED -> "INSTANCE_TERMINATED";
            case LAUNCH_FAILED -> "INSTANCE_LAUNCH_FAILED";
            case LAUNCH_TIMED_OUT -> "INSTANCE_LAUNCH_TIMED_OUT";
            case TERMINATION_FAILED -> "INSTANCE_TERMINATION_FAILED";
            case TERMINATION_TIMED_OUT -> "INSTANCE_TERMINATION_TIMED_OUT";
            default -> throw new IllegalArgumentException("unknown status " + status);
        };
    }
}
