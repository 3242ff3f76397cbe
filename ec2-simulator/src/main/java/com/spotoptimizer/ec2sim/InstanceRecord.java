package com.spotoptimizer.ec2sim;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored facts about one instance. It holds timestamps, never a state: the state is derived from them
 * and the clock on every read, which keeps the simulator deterministic under a stepped clock.
 */
record InstanceRecord(String instanceId, String reservationId, String imageId, String instanceType,
                      String clientToken, String subnetId, String privateIp, int launchIndex, boolean spot,
                      Instant launchTime, Instant visibleAt, Instant runningAt,
                      Instant terminateRequestedAt, Instant terminatedAt, Map<String, String> tags) {

    InstanceRecord {
        // Insertion order is kept so tagSet renders in the order the client sent it.
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    InstanceState stateAt(Instant now) {
        if (terminateRequestedAt != null) {
            return now.isBefore(terminatedAt) ? InstanceState.SHUTTING_DOWN : InstanceState.TERMINATED;
        }
        return now.isBefore(runningAt) ? InstanceState.PENDING : InstanceState.RUNNING;
    }

    InstanceRecord terminating(Instant requestedAt, Instant doneAt) {
        return new InstanceRecord(instanceId, reservationId, imageId, instanceType, clientToken, subnetId,
                privateIp, launchIndex, spot, launchTime, visibleAt, runningAt, requestedAt, doneAt, tags);
    }

    InstanceRecord withTags(Map<String, String> newTags) {
        Map<String, String> merged = new LinkedHashMap<>(tags);
        merged.putAll(newTags);
        return new InstanceRecord(instanceId, reservationId, imageId, instanceType, clientToken, subnetId,
                privateIp, launchIndex, spot, launchTime, visibleAt, runningAt, terminateRequestedAt,
                terminatedAt, merged);
    }

    SimInstance toSimInstance(Instant now) {
        return new SimInstance(instanceId, reservationId, clientToken, imageId, instanceType,
                stateAt(now).wireName(), tags, launchTime, terminateRequestedAt, terminatedAt, spot);
    }
}
