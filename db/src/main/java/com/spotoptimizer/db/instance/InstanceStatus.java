package com.spotoptimizer.db.instance;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The lifecycle state machine: every state and the transitions it allows, in one place. */
public enum InstanceStatus {
    LAUNCHING("launching"),
    RUNNING_PRIMARY("running_primary"),
    RUNNING_REPLICA("running_replica"),
    PROMOTING("promoting"),
    TERMINATING("terminating"),
    TERMINATED("terminated"),
    /** EC2 refused the launch (capacity, bad parameter, not authorized); the reason says which. */
    LAUNCH_FAILED("launch_failed"),
    /** The agent did not confirm within the launch timeout. */
    LAUNCH_TIMED_OUT("launch_timed_out"),
    /** EC2 refused the termination. */
    TERMINATION_FAILED("termination_failed"),
    /** The agent did not confirm within the termination timeout. */
    TERMINATION_TIMED_OUT("termination_timed_out");

    private final String value;

    InstanceStatus(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static InstanceStatus of(String value) {
        return Arrays.stream(values()).filter(s -> s.value.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown instance status " + value));
    }

    public static InstanceStatus running(String role) {
        return "replica".equals(role) ? RUNNING_REPLICA : RUNNING_PRIMARY;
    }

    /** Settled after a launch and not being terminated: EC2's word alone may end such a row. */
    public boolean endsOnGroundTruth() {
        return isRunning() || this == LAUNCH_FAILED || this == LAUNCH_TIMED_OUT || this == TERMINATION_FAILED
                || this == TERMINATION_TIMED_OUT;
    }

    public boolean isRunning() {
        return this == RUNNING_PRIMARY || this == RUNNING_REPLICA || this == PROMOTING;
    }

    /** Which states may move to {@code target}. */
    public boolean canMoveTo(InstanceStatus target) {
        return allowedTargets().contains(target);
    }

    private Set<InstanceStatus> allowedTargets() {
        return switch (this) {
            case LAUNCHING -> EnumSet.of(RUNNING_PRIMARY, RUNNING_REPLICA, LAUNCH_FAILED, LAUNCH_TIMED_OUT, TERMINATING);
            // Straight to terminated: EC2 ended it without us (spot reclaim, console) — ground truth wins.
            // Demotion: a primary whose replica was promoted serves on as a replica.
            case RUNNING_PRIMARY -> EnumSet.of(RUNNING_REPLICA, TERMINATING, TERMINATED);
            case RUNNING_REPLICA -> EnumSet.of(PROMOTING, TERMINATING, TERMINATED);
            // Back to replica: the promotion failed before the old primary was touched.
            case PROMOTING -> EnumSet.of(RUNNING_PRIMARY, RUNNING_REPLICA, TERMINATING, TERMINATED);
            // A terminate while launching may find the launch refused: then nothing exists to terminate.
            case TERMINATING -> EnumSet.of(TERMINATED, TERMINATION_FAILED, TERMINATION_TIMED_OUT);
            // Failed or timed-out instances can still be terminated, e.g. one that turned up late, or be found
            // ended by EC2.
            case LAUNCH_FAILED, LAUNCH_TIMED_OUT, TERMINATION_FAILED, TERMINATION_TIMED_OUT ->
                    EnumSet.of(TERMINATING, TERMINATED);
            case TERMINATED -> EnumSet.noneOf(InstanceStatus.class);
        };
    }
}
