package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored facts about one instance. It holds timestamps, never a state: the state is derived from them
 * and the clock on every read, which keeps the simulator deterministic under a stepped clock.
 *
 * <p>A spot interruption is two more timestamps: when EC2 gave the notice and its action time. From the
 * notice on, DescribeInstances shows the spot-termination state reason; at the action time the instance
 * starts shutting down by itself, and {@code terminatedAt} (set with the notice) ends it.
 */
record InstanceRecord(String instanceId, String reservationId, String imageId, String instanceType,
                      String clientToken, String subnetId, String privateIp, int launchIndex, boolean spot,
                      Instant launchTime, Instant visibleAt, Instant runningAt,
                      Instant terminateRequestedAt, Instant terminatedAt, Map<String, String> tags,
                      Instant interruptionNoticeAt, Instant interruptionActionAt) {

    InstanceRecord {
        // Insertion order is kept so tagSet renders in the order the client sent it.
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    InstanceState stateAt(Instant now) {
        Instant shutdown = shutdownStartsAt();
        if (shutdown != null && !now.isBefore(shutdown)) {
            return now.isBefore(terminatedAt) ? InstanceState.SHUTTING_DOWN : InstanceState.TERMINATED;
        }
        return now.isBefore(runningAt) ? InstanceState.PENDING : InstanceState.RUNNING;
    }

    /** The first of a TerminateInstances and a spot interruption's action time, or null while neither is due. */
    Instant shutdownStartsAt() {
        if (terminateRequestedAt == null) {
            return interruptionActionAt;
        }
        return interruptionActionAt == null || terminateRequestedAt.isBefore(interruptionActionAt)
                ? terminateRequestedAt : interruptionActionAt;
    }

    /** Whether the spot interruption (not a user's TerminateInstances) is what ends this instance. */
    boolean endedBySpotInterruption() {
        return interruptionActionAt != null
                && (terminateRequestedAt == null || !terminateRequestedAt.isBefore(interruptionActionAt));
    }

    /**
     * A TerminateInstances. During a spot interruption's notice it moves the shutdown forward (it never
     * postpones one); once the interruption's shutdown has begun it changes nothing.
     */
    InstanceRecord terminating(Instant requestedAt, Instant doneAt) {
        if (interruptionActionAt != null && !requestedAt.isBefore(interruptionActionAt)) {
            return this;
        }
        Instant done = terminatedAt != null && terminatedAt.isBefore(doneAt) ? terminatedAt : doneAt;
        return new InstanceRecord(instanceId, reservationId, imageId, instanceType, clientToken, subnetId,
                privateIp, launchIndex, spot, launchTime, visibleAt, runningAt, requestedAt, done, tags,
                interruptionNoticeAt, interruptionActionAt);
    }

    /** A spot interruption noticed at {@code noticeAt}: shutting down at {@code actionAt}, terminated at {@code doneAt}. */
    InstanceRecord interrupted(Instant noticeAt, Instant actionAt, Instant doneAt) {
        return new InstanceRecord(instanceId, reservationId, imageId, instanceType, clientToken, subnetId,
                privateIp, launchIndex, spot, launchTime, visibleAt, runningAt, terminateRequestedAt, doneAt, tags,
                noticeAt, actionAt);
    }

    InstanceRecord withTags(Map<String, String> newTags) {
        Map<String, String> merged = new LinkedHashMap<>(tags);
        merged.putAll(newTags);
        return new InstanceRecord(instanceId, reservationId, imageId, instanceType, clientToken, subnetId,
                privateIp, launchIndex, spot, launchTime, visibleAt, runningAt, terminateRequestedAt,
                terminatedAt, merged, interruptionNoticeAt, interruptionActionAt);
    }

    SimInstance toSimInstance(Instant now) {
        return new SimInstance(instanceId, reservationId, clientToken, imageId, instanceType,
                stateAt(now).wireName(), tags, launchTime, terminateRequestedAt, terminatedAt, spot,
                interruptionActionAt);
    }
}
