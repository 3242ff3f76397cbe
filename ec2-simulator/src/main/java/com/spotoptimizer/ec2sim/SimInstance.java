package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.Map;

/**
 * Ground truth about one instance, as evaluated at the moment it was read. Unlike DescribeInstances this
 * ignores the consistency window and the retention of terminated instances: tests use it to prove that
 * nothing leaked.
 *
 * @param state                 EC2 state name now: pending, running, shutting-down or terminated
 * @param terminateRequestedAt  first TerminateInstances for it, or null
 * @param terminatedAt          when it is (or will be) terminated, or null if never asked to terminate
 *                              and never interrupted
 * @param interruptionActionAt  a spot interruption's action time (when EC2 starts shutting it down), or null
 */
public record SimInstance(String instanceId, String reservationId, String clientToken, String imageId,
                          String instanceType, String state, Map<String, String> tags, Instant launchTime,
                          Instant terminateRequestedAt, Instant terminatedAt, boolean spot,
                          Instant interruptionActionAt) {

    public SimInstance {
        tags = Map.copyOf(tags);
    }

    /** Whether EC2 gave this spot instance an interruption notice. */
    public boolean interrupted() {
        return interruptionActionAt != null;
    }

    /** Pending or running: it costs money and someone must own it. */
    public boolean isActive() {
        return InstanceState.PENDING.wireName().equals(state) || InstanceState.RUNNING.wireName().equals(state);
    }
}
